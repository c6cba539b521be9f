package io.kvswitch.dataplane.config;

/**
 * Backend settings of one port from the config.
 *
 * @param offloads carry a {@code virtio_net_hdr} with every frame ({@code PACKET_VNET_HDR} on
 *     AF_PACKET, {@code IFF_VNET_HDR} on TAP). On by default: the pods' and VMs' interfaces hand
 *     over 64 KiB GSO frames with checksums left to finish unless someone turns their offloads off,
 *     which the switch cannot do for interfaces it did not create. With the header those frames
 *     cross the switch whole (one pass instead of ~45) and the receiving stack finishes them;
 *     without it they cannot be forwarded and TCP stalls. Turn it off only for ports whose far end
 *     has segmentation and checksum offloads off (dataplane/PORTS.md). Ignored by {@code memory}.
 * @param rxRing the AF_PACKET receive ring, {@link #TPACKET_V2} (2 KiB slots, each frame handed
 *     over at once: latency) or {@link #TPACKET_V3} (blocks: the least kernel work per frame, at
 *     least 1 ms of delay at low rates), or null for the backend's default, V2 (dataplane/PORTS.md,
 *     "Receive"). Only {@code afpacket} has one.
 */
public record PortOptions(boolean offloads, String rxRing) {

  public static final String TPACKET_V3 = "tpacket-v3";
  public static final String TPACKET_V2 = "tpacket-v2";

  /** Offloads on, the backend's ring. */
  public static final PortOptions DEFAULTS = new PortOptions(true);

  /** With the backend's default ring. */
  public PortOptions(boolean offloads) {
    this(offloads, null);
  }

  /** From the config's optional field: absent means the default. */
  static PortOptions of(Boolean offloads) {
    return of(offloads, null);
  }

  /** From the config's optional fields: absent means the default. */
  static PortOptions of(Boolean offloads, String rxRing) {
    return new PortOptions(offloads == null || offloads, rxRing);
  }
}
