package io.kvswitch.dataplane.engine;

import java.util.Locale;

/**
 * Why a frame was not forwarded. Every drop is counted under exactly one reason, against the
 * ingress port (or the egress port for {@link #TRANSMIT_REFUSED} and {@link
 * #SEGMENTATION_OFFLOAD_UNSUPPORTED}).
 */
public enum DropReason {
  /** Shorter than an Ethernet header (14 bytes). */
  RUNT,
  /** An 802.1Q tag that is cut short, or carries the reserved VID 4095. */
  BAD_VLAN_TAG,
  /** A frame tagged with a VLAN on an access port, which only takes untagged frames. */
  TAGGED_ON_ACCESS_PORT,
  /** A tagged frame on a trunk whose VLAN is neither allowed nor native there. */
  VLAN_NOT_ALLOWED,
  /** An untagged frame on a trunk that has no native VLAN. */
  UNTAGGED_WITHOUT_NATIVE_VLAN,
  /** A frame that arrived on a port index the switch does not know (a port being removed). */
  UNKNOWN_INGRESS_PORT,
  /** A multicast or broadcast source address, which no station may send from. */
  SOURCE_MAC_MULTICAST,
  /** The all-zero source address. */
  SOURCE_MAC_ZERO,
  /** A destination in 01:80:C2:00:00:0X (STP, LACP, LLDP), which a bridge never forwards. */
  LINK_LOCAL_DESTINATION,
  /** Broadcast above the port's storm-control rate. */
  STORM_BROADCAST,
  /** Multicast above the port's storm-control rate. */
  STORM_MULTICAST,
  /** Unknown unicast above the port's storm-control rate. */
  STORM_UNKNOWN_UNICAST,
  /** The destination was learned on the port the frame came in on. */
  DESTINATION_ON_INGRESS_PORT,
  /** Flooding found no other port in the frame's VLAN. */
  NO_EGRESS_PORT,
  /**
   * A frame between two ports of one split-horizon group (two VXLAN peers): a frame that came out
   * of the overlay is never sent back into it, so a full mesh of tunnels cannot loop.
   */
  SPLIT_HORIZON,
  /**
   * A frame that, once encapsulated, would not fit the underlay MTU. Counted on the tunnel port and
   * dropped whole, never sent fragmented.
   */
  UNDERLAY_MTU_EXCEEDED,
  /**
   * A frame received on a mirror session's destination port. That port only takes copies: what its
   * workload sends is neither forwarded nor learned, as on a SPAN destination of a physical switch.
   */
  MIRROR_DESTINATION,
  /** The egress port refused the frame: queue full, link down, or frame too big for it. */
  TRANSMIT_REFUSED,
  /**
   * A GSO frame (up to 64 KiB, to be cut into MTU-sized segments by whoever receives it) towards a
   * port that carries no offload header, which the switch could not cut itself: not TCP, a header
   * that does not match the frame, or segments longer than the port takes. Counted on the egress
   * port.
   */
  SEGMENTATION_OFFLOAD_UNSUPPORTED;

  /** The snake_case label used in metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
