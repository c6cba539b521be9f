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
    Boolean offloads)
    implements VlanMembership {

  /** How the backend opens this port. */
  public PortOptions options() {
    return PortOptions.of(offloads);
  }
}
