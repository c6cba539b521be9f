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
 */
public record PortOptions(boolean offloads) {

  /** Offloads on. */
  public static final PortOptions DEFAULTS = new PortOptions(true);

  /** From the config's optional field: absent means the default. */
  static PortOptions of(Boolean offloads) {
    return offloads == null ? DEFAULTS : new PortOptions(offloads);
  }
}
