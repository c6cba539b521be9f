package io.kvswitch.dataplane.engine;

import io.kvswitch.dataplane.frame.TagEdit;
import io.kvswitch.dataplane.mirror.MirrorRule;

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
  private final MirrorRule[] copyRules = new MirrorRule[MirrorLayout.MAX_SESSIONS];
  private final TagEdit[] copyEdits = new TagEdit[MirrorLayout.MAX_SESSIONS];
  private final int[] copyVids = new int[MirrorLayout.MAX_SESSIONS];
  private int copyCount;
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
    copyCount = 0;
    dropReason = null;
    vlan = 0;
    flooded = false;
  }

  DropReason drop(DropReason reason) {
    count = 0;
    copyCount = 0;
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

  void addCopy(MirrorRule rule, TagEdit edit, int egressVid) {
    copyRules[copyCount] = rule;
    copyEdits[copyCount] = edit;
    copyVids[copyCount] = egressVid;
    copyCount++;
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

  /** Mirror copies of the frame: at most one per session, none when the frame was dropped. */
  public int copyCount() {
    return copyCount;
  }

  /** The session a copy is for: its destination port, snap length and counters. */
  public MirrorRule copyRule(int copy) {
    return copyRules[copy];
  }

  /**
   * The tag edit that makes the copy look as the frame did on its source port: KEEP for a copy of a
   * received frame, the source port's egress edit for a copy of a sent one.
   */
  public TagEdit copyTagEdit(int copy) {
    return copyEdits[copy];
  }

  /** The VID a PUSH or REWRITE copy carries. */
  public int copyEgressVid(int copy) {
    return copyVids[copy];
  }
}
