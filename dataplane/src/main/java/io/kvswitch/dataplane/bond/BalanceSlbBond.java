package io.kvswitch.dataplane.bond;

import io.kvswitch.dataplane.frame.EthernetFrame;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Source-load-balancing, as Open vSwitch's balance-slb: each (source MAC, VLAN) is pinned to one
 * member by a hash over the members whose link is up, so one station's frames stay in order and
 * stations spread over the uplinks without any help from the physical switch.
 *
 * <p>The physical switch sees the members as independent ports and floods broadcast and multicast
 * to all of them; those are accepted only on the first member that is up, so the switch does not
 * receive each flood once per member.
 */
public final class BalanceSlbBond extends Bond {

  private final GroupFilter filter = new GroupFilter();
  private long discarded;

  public BalanceSlbBond(String name, List<? extends Port> members) {
    super(name, members);
  }

  /** Broadcast and multicast frames dropped because they came in on a non-primary member. */
  public long discardedGroupFrames() {
    return discarded;
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    filter.target = sink;
    boolean primaryTaken = false;
    int delivered = 0;
    for (Port member : members) {
      if (!member.isLinkUp()) {
        continue;
      }
      filter.acceptGroup = !primaryTaken;
      primaryTaken = true;
      delivered += member.receiveBatch(filter, maxFrames);
    }
    filter.target = null;
    return delivered;
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    int member = memberFor(buffer, offset, length);
    return member >= 0 && transmitOn(member, buffer, offset, length);
  }

  @Override
  public boolean transmitOffloaded(MemorySegment buffer, long offset, int length) {
    int member = memberFor(buffer, offset, length);
    return member >= 0 && transmitOffloadedOn(member, buffer, offset, length);
  }

  /** The member that carries this frame's (source MAC, VLAN), or -1 when every link is down. */
  public int memberFor(MemorySegment buffer, long offset, int length) {
    if (length < EthernetFrame.HEADER_LENGTH) {
      return -1;
    }
    long source = EthernetFrame.source(buffer, offset);
    int vlan = 0;
    if (length >= EthernetFrame.TAGGED_HEADER_LENGTH
        && EthernetFrame.etherType(buffer, offset) == EthernetFrame.ETHERTYPE_VLAN) {
      vlan = EthernetFrame.tci(buffer, offset) & EthernetFrame.VID_MASK;
    }
    return memberFor(source, vlan);
  }

  /** The member that carries {@code (sourceMac, vlan)}, or -1 when every link is down. */
  public int memberFor(long sourceMac, int vlan) {
    int up = 0;
    for (Port member : members) {
      if (member.isLinkUp()) {
        up++;
      }
    }
    if (up == 0) {
      return -1;
    }
    int pick = Math.floorMod(hash(sourceMac, vlan), up);
    for (int i = 0; i < members.length; i++) {
      if (members[i].isLinkUp() && pick-- == 0) {
        return i;
      }
    }
    return -1;
  }

  private static int hash(long sourceMac, int vlan) {
    long h = (sourceMac ^ ((long) vlan << 48)) * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h ^ (h >>> 29) ^ (h >>> 47));
  }

  /** Lets unicast through from every member, broadcast and multicast only from the primary. */
  private final class GroupFilter implements FrameSink {
    private FrameSink target;
    private boolean acceptGroup;

    @Override
    public void accept(MemorySegment buffer, long offset, int length) {
      if (!acceptGroup
          && length >= EthernetFrame.HEADER_LENGTH
          && MacAddress.isMulticast(EthernetFrame.destination(buffer, offset))) {
        discarded++;
        return;
      }
      target.accept(buffer, offset, length);
    }
  }
}
