package io.kvswitch.dataplane.dhcp.frame;

import io.netty.buffer.ByteBuf;

/** The ones'-complement sum of RFC 1071, as IPv4 and UDP use it. */
final class InternetChecksum {

  private InternetChecksum() {}

  /** Adds the 16-bit words of {@code buf[from, from+length)} to {@code sum}, unfolded. */
  static long add(long sum, ByteBuf buf, int from, int length) {
    int i = from;
    int end = from + length;
    for (; i + 1 < end; i += 2) {
      sum += buf.getUnsignedShort(i);
    }
    if (i < end) {
      sum += buf.getUnsignedByte(i) << 8;
    }
    return sum;
  }

  /** Folds carries and complements: the value to write into a checksum field. */
  static int finish(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  /** The UDP pseudo-header of RFC 768: addresses, protocol and UDP length. */
  static long pseudoHeader(int sourceIp, int destinationIp, int udpLength) {
    return (sourceIp >>> 16)
        + (sourceIp & 0xffff)
        + (destinationIp >>> 16)
        + (destinationIp & 0xffff)
        + 17
        + udpLength;
  }
}
