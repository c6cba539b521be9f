package io.kvswitch.dataplane.frame;

import java.lang.foreign.MemorySegment;

/** Writes a frame into another buffer with its 802.1Q tag pushed, popped or rewritten. */
public final class VlanTagEditor {

  private static final int MACS_LENGTH = 12;

  private VlanTagEditor() {}

  /**
   * Copies the frame at {@code source[offset, offset + length)} to {@code target} at {@code
   * targetOffset}, applying {@code edit}.
   *
   * @param vid the VLAN id for {@link TagEdit#PUSH} and {@link TagEdit#REWRITE}; ignored otherwise
   * @return the length of the written frame, or -1 when {@code target} is too small or the edit
   *     does not fit the frame (popping an untagged frame)
   */
  public static int write(
      TagEdit edit,
      int vid,
      MemorySegment source,
      long offset,
      int length,
      MemorySegment target,
      long targetOffset) {
    long room = target.byteSize() - targetOffset;
    switch (edit) {
      case KEEP -> {
        if (length > room) {
          return -1;
        }
        MemorySegment.copy(source, offset, target, targetOffset, length);
        return length;
      }
      case PUSH -> {
        int written = length + EthernetFrame.TAG_LENGTH;
        if (length < EthernetFrame.HEADER_LENGTH || written > room) {
          return -1;
        }
        MemorySegment.copy(source, offset, target, targetOffset, MACS_LENGTH);
        EthernetFrame.writeU16(
            target, targetOffset + EthernetFrame.ETHERTYPE_OFFSET, EthernetFrame.ETHERTYPE_VLAN);
        EthernetFrame.writeU16(
            target, targetOffset + EthernetFrame.TCI_OFFSET, vid & EthernetFrame.VID_MASK);
        MemorySegment.copy(
            source,
            offset + MACS_LENGTH,
            target,
            targetOffset + EthernetFrame.TAGGED_HEADER_LENGTH - 2,
            length - MACS_LENGTH);
        return written;
      }
      case POP -> {
        int written = length - EthernetFrame.TAG_LENGTH;
        if (!isTagged(source, offset, length) || written > room) {
          return -1;
        }
        MemorySegment.copy(source, offset, target, targetOffset, MACS_LENGTH);
        MemorySegment.copy(
            source,
            offset + EthernetFrame.TAGGED_HEADER_LENGTH - 2,
            target,
            targetOffset + MACS_LENGTH,
            written - MACS_LENGTH);
        return written;
      }
      case REWRITE -> {
        if (!isTagged(source, offset, length) || length > room) {
          return -1;
        }
        MemorySegment.copy(source, offset, target, targetOffset, length);
        int tci = EthernetFrame.tci(source, offset);
        int rewritten = (tci & ~EthernetFrame.VID_MASK) | (vid & EthernetFrame.VID_MASK);
        EthernetFrame.writeU16(target, targetOffset + EthernetFrame.TCI_OFFSET, rewritten);
        return length;
      }
    }
    throw new IllegalArgumentException("unknown tag edit " + edit);
  }

  private static boolean isTagged(MemorySegment frame, long offset, int length) {
    return length >= EthernetFrame.TAGGED_HEADER_LENGTH
        && EthernetFrame.etherType(frame, offset) == EthernetFrame.ETHERTYPE_VLAN;
  }
}
