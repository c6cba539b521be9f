package io.kvswitch.dataplane.frame;

/** What happens to the 802.1Q tag of a frame on its way out of one port. */
public enum TagEdit {
  /** The frame leaves exactly as it came in. */
  KEEP,
  /** An untagged frame gets a tag with the egress VID. */
  PUSH,
  /** A tagged frame loses its tag. */
  POP,
  /**
   * A tagged frame keeps its tag with another VID; this happens to priority-tagged frames (VID 0),
   * which belong to the port's VLAN and leave with that VLAN's VID.
   */
  REWRITE
}
