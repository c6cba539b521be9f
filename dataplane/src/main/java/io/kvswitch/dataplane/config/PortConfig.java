package io.kvswitch.dataplane.config;

/**
 * One switch port.
 *
 * @param name the port's name in counters and logs; also the device name unless {@code device} says
 *     otherwise
 * @param type {@code afpacket}, {@code tap} or {@code memory}
 * @param device the network interface (afpacket) or TAP device (tap) behind the port
 * @param offloads carry a virtio_net_hdr with every frame (afpacket, tap); true when absent, see
 *     {@link PortOptions#offloads()}
 * @param learning learn source MACs on this port; true when absent. False is Linux bridge's {@code
 *     learning off}: stations behind the port are reached through static entries or by flooding
 * @param rxRing afpacket only: {@code tpacket-v3} or {@code tpacket-v2}; the backend's default when
 *     absent, see {@link PortOptions#rxRing()}
 */
public record PortConfig(
    String name,
    String type,
    String device,
    String mode,
    Integer vlan,
    String allowedVlans,
    Integer nativeVlan,
    StormControlConfig stormControl,
    Boolean offloads,
    Boolean learning,
    String rxRing)
    implements VlanMembership {

  /** How the backend opens this port. */
  public PortOptions options() {
    return PortOptions.of(offloads, rxRing);
  }

  /** Whether the port learns source MACs. */
  public boolean learns() {
    return learning == null || learning;
  }
}
