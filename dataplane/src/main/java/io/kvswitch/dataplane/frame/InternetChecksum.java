package io.kvswitch.dataplane.frame;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the one's complement sum of 16-bit big-endian words. Sums are
 * kept unfolded in a {@code long} so that pieces (a pseudo-header, a TCP header, a payload) can be
 * added before one final {@link #fold}. Reads eight bytes at a time: one's complement addition is
 * associative across widths, so adding the two 32-bit halves of each big-endian long and folding at
 * the end gives the same result as adding words one by one.
 */
public final class InternetChecksum {

  private static final ValueLayout.OfLong BIG_ENDIAN_U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfShort BIG_ENDIAN_U16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private InternetChecksum() {}

  /**
   * Adds the bytes {@code [at, at + length)} to {@code sum}, as words starting at {@code at} (an
   * odd length ends with a byte padded with zero).
   */
  public static long add(long sum, MemorySegment segment, long at, int length) {
    long end = at + length;
    // Each 32-bit half added is < 2^32, so 2^31 additions cannot overflow the 64-bit sum.
    for (; at + 8 <= end; at += 8) {
      long value = segment.get(BIG_ENDIAN_U64, at);
      sum += (value >>> 32) + (value & 0xffff_ffffL);
    }
    for (; at + 2 <= end; at += 2) {
      sum += segment.get(BIG_ENDIAN_U16, at) & 0xffff;
    }
    if (at < end) {
      sum += (segment.get(ValueLayout.JAVA_BYTE, at) & 0xff) << 8;
    }
    return sum;
  }

  /** Folds an unfolded sum to 16 bits (not inverted). */
  public static int fold(long sum) {
    sum = (sum & 0xffff_ffffL) + (sum >>> 32);
    sum = (sum & 0xffff_ffffL) + (sum >>> 32);
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    return (int) sum;
  }

  /**
   * Finishes a checksum a sender left to the hardware (a virtio {@code NEEDS_CSUM} frame), in
   * place: the 16-bit field at {@code frame[offset + field]} holds the pseudo-header sum, and the
   * sum from {@code start} to the end of the frame, folded and inverted, replaces it, as the
   * kernel's {@code skb_checksum_help} does. A zero result is written as 0xffff, which means the
   * same and keeps UDP's "no checksum" value free.
   *
   * @param start where summing starts, counted from {@code offset}
   * @param field where the result goes, counted from {@code offset}
   * @return false, leaving the frame as it was, when start or field are outside the frame
   */
  public static boolean completePartial(
      MemorySegment frame, long offset, int length, int start, int field) {
    if (start < EthernetFrame.HEADER_LENGTH || field < start || field + 2 > length) {
      return false;
    }
    int checksum = finish(add(0, frame, offset + start, length - start));
    frame.set(BIG_ENDIAN_U16, offset + field, (short) (checksum == 0 ? 0xffff : checksum));
    return true;
  }

  /** The checksum field value for an unfolded sum: folded and inverted. */
  public static int finish(long sum) {
    return ~fold(sum) & 0xffff;
  }
}
