package io.kvswitch.dataplane.bond;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One member carries all traffic; when its link goes down the first member (in configured order)
 * whose link is up takes over and keeps the traffic after the old one recovers (no failback).
 * Frames arriving on the other members are read and discarded, as a Linux active-backup bond does,
 * so the peer switch's floods are not seen twice.
 *
 * <p>Until the active member has been seen up once, moving to another member is the initial choice,
 * not a failover: a bond that starts while its first member's link is still coming up (or with that
 * cable unplugged) starts on the first member that is up and counts nothing, as a Linux bond picks
 * its first active slave.
 */
public final class ActiveBackupBond extends Bond {

  private long discarded;
  private final FrameSink discard = (buffer, offset, length) -> discarded++;
  private volatile int active;
  private volatile long failovers;

  /** Whether a member has carried traffic with its link up; written once. */
  private volatile boolean carrying;

  public ActiveBackupBond(String name, List<? extends Port> members) {
    super(name, members);
  }

  /** The member now carrying traffic, re-chosen if its link has gone down. */
  public int activeMember() {
    int current = active;
    if (members[current].isLinkUp()) {
      if (!carrying) {
        carrying = true;
      }
      return current;
    }
    return failOver(current);
  }

  /**
   * Moves traffic to the first member that is up. The receiving thread and transmitting threads may
   * notice the same link loss at once; the lock makes it one failover.
   */
  private synchronized int failOver(int seen) {
    if (active != seen) {
      return active;
    }
    for (int i = 0; i < members.length; i++) {
      if (members[i].isLinkUp()) {
        if (i != seen) {
          active = i;
          if (carrying) {
            failovers++;
          }
        }
        return i;
      }
    }
    return seen;
  }

  /** How many times traffic moved to another member. */
  public long failovers() {
    return failovers;
  }

  /** Frames received on backup members and thrown away. */
  public long discardedOnBackup() {
    return discarded;
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    int current = activeMember();
    int delivered = members[current].receiveBatch(sink, maxFrames);
    for (int i = 0; i < members.length; i++) {
      if (i != current) {
        members[i].receiveBatch(discard, maxFrames);
      }
    }
    return delivered;
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    int current = activeMember();
    return members[current].isLinkUp() && transmitOn(current, buffer, offset, length);
  }

  @Override
  public boolean transmitOffloaded(MemorySegment buffer, long offset, int length) {
    int current = activeMember();
    return members[current].isLinkUp() && transmitOffloadedOn(current, buffer, offset, length);
  }
}
