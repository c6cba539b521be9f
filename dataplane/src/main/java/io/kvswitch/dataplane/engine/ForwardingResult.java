package io.kvswitch.dataplane.engine;

import io.kvswitch.dataplane.frame.TagEdit;

/**
 * What the core decided for one frame: either a drop reason, or a list of outputs, each an egress
 * port with the tag edit to apply there.
 *
 * <p>One instance per forwarding thread is reused for every frame, so deciding allocates nothing.
 * Its contents are valid until the next call to {@link ForwardingCore#process}.
 */
public final class ForwardingResult {

  private final int[] ports;
  private final TagEdit[] edits;
  private final int[] egressVids;
  private int count;
  private DropReason dropReason;
  private int vlan;
  private boolean flooded;

  public ForwardingResult(int maxPorts) {
    ports = new int[maxPorts];
    edits = new TagEdit[maxPorts];
    egressVids = new int[maxPorts];
  }

  void reset() {
    count = 0;
    dropReason = null;
    vlan = 0;
    flooded = false;
  }

  DropReason drop(DropReason reason) {
    count = 0;
    dropReason = reason;
    return reason;
  }

  void setVlan(int vlan) {
    this.vlan = vlan;
  }

  void setFlooded(boolean flooded) {
    this.flooded = flooded;
  }

  void add(int port, TagEdit edit, int egressVid) {
    ports[count] = port;
    edits[count] = edit;
    egressVids[count] = egressVid;
    count++;
  }

  /** The reason the frame was dropped, or null when it has outputs. */
  public DropReason dropReason() {
    return dropReason;
  }

  public boolean isDropped() {
    return dropReason != null;
  }

  /** The VLAN the frame was classified into (0 when it was dropped before classification). */
  public int vlan() {
    return vlan;
  }

  /** Whether the frame was flooded (broadcast, multicast or unknown unicast). */
  public boolean flooded() {
    return flooded;
  }

  public int outputCount() {
    return count;
  }

  public int port(int output) {
    return ports[output];
  }

  public TagEdit tagEdit(int output) {
    return edits[output];
  }

  /** The VID the frame carries on egress for PUSH and REWRITE; 0 when it leaves untagged. */
  public int egressVid(int output) {
    return egressVids[output];
  }
}
