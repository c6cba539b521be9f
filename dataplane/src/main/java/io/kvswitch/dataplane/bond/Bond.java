package io.kvswitch.dataplane.bond;

import io.kvswitch.dataplane.port.Port;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * A logical uplink made of several member ports. To the switch it is one port: MACs learned on it
 * stay valid when traffic shifts between members.
 */
public abstract sealed class Bond implements Port permits ActiveBackupBond, BalanceSlbBond {

  private final String name;
  final Port[] members;
  private final boolean[] written;
  private final int offloadHeaderLength;

  Bond(String name, List<? extends Port> members) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("bond '" + name + "' needs at least one member");
    }
    this.name = name;
    this.members = members.toArray(Port[]::new);
    this.written = new boolean[this.members.length];
    // Offload headers: a bond hands its members' frames to the switch as one port, so the switch
    // must know whether a virtio_net_hdr precedes them; members that disagree cannot form one.
    this.offloadHeaderLength = this.members[0].offloadHeaderLength();
    for (Port member : this.members) {
      if (member.offloadHeaderLength() != offloadHeaderLength) {
        throw new IllegalArgumentException(
            "bond '" + name + "': every member must carry the same offload header length");
      }
    }
  }

  @Override
  public String name() {
    return name;
  }

  public List<Port> members() {
    return List.of(members);
  }

  /** Transmits on one member and remembers to flush it. */
  final boolean transmitOn(int member, MemorySegment buffer, long off, int len) {
    if (members[member].transmit(buffer, off, len)) {
      written[member] = true;
      return true;
    }
    return false;
  }

  /** Like {@link #transmitOn}, for a frame with its offload header in front of it. */
  final boolean transmitOffloadedOn(int member, MemorySegment buffer, long off, int len) {
    if (members[member].transmitOffloaded(buffer, off, len)) {
      written[member] = true;
      return true;
    }
    return false;
  }

  /** The members' offload header length, which they share. */
  @Override
  public int offloadHeaderLength() {
    return offloadHeaderLength;
  }

  @Override
  public void flushTransmit() {
    for (int i = 0; i < members.length; i++) {
      if (written[i]) {
        written[i] = false;
        members[i].flushTransmit();
      }
    }
  }

  /** Up while any member is up. */
  @Override
  public boolean isLinkUp() {
    for (Port member : members) {
      if (member.isLinkUp()) {
        return true;
      }
    }
    return false;
  }

  /** A bond has several fds: {@link #pollFds()}. */
  @Override
  public int pollFd() {
    return -1;
  }

  /** Every member's descriptors: frames arriving on any of them are the bond's to receive. */
  @Override
  public int[] pollFds() {
    return Arrays.stream(members).flatMapToInt(member -> Arrays.stream(member.pollFds())).toArray();
  }

  /** Announced when every member announces its own frames. */
  @Override
  public boolean announcesFrames() {
    for (Port member : members) {
      if (!member.announcesFrames()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void setReceiveWakeup(Runnable wakeup) {
    for (Port member : members) {
      member.setReceiveWakeup(wakeup);
    }
  }

  @Override
  public void close() {
    for (Port member : members) {
      member.close();
    }
  }
}
