package io.kvswitch.dataplane.tunnel;

import java.util.Locale;

/** Why a received VXLAN datagram did not become a frame in the switch. */
public enum VxlanRxDrop {
  /** Shorter than the VXLAN header plus an Ethernet header. */
  TRUNCATED,
  /** The flags byte is not exactly the I flag (0x08). */
  BAD_FLAGS,
  /** From an address that is not a configured peer VTEP. */
  UNKNOWN_PEER,
  /** A VNI that maps to no VLAN, or to a VLAN the sending peer does not carry. */
  UNKNOWN_VNI,
  /** The inner frame carries an 802.1Q or 802.1ad tag; RFC 7348 §6.1 says to discard it. */
  INNER_VLAN_TAG,
  /** The inner frame is longer than a receive slot (the local underlay MTU allows). */
  OVERSIZE,
  /** The forwarding thread had not freed a slot of the peer's receive ring. */
  RING_FULL,
  /**
   * A message of a read whose walk stopped because the switch threw: it and the read's later
   * messages were taken from the socket but not delivered (counted per message, a run as one).
   */
  READ_ABANDONED;

  /** The snake_case label used in metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
