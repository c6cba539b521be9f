package io.kvswitch.dataplane.frame;

import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Cuts a TCP GSO frame (up to 64 KiB, as a Linux stack with TSO hands it to a port with offload
 * headers) into the wire frames a NIC would have sent: what the kernel's {@code tcp_gso_segment}
 * does, for a port that can only carry complete frames (a VXLAN tunnel).
 *
 * <p>Each segment gets the frame's headers and {@code gso_size} bytes of payload (the last one the
 * rest). IPv4: total length per segment, the identification incremented per segment, the header
 * checksum recomputed. IPv6: the payload length. TCP: the sequence number advanced by the payload
 * before it, FIN and PSH kept on the last segment only, CWR on the first only (what {@link
 * VirtioNetHeader#GSO_ECN} asks: the sender's congestion-window-reduced signal is sent once), and
 * the full checksum (pseudo-header, header, payload).
 *
 * <p>An 802.1Q tag of the input ({@code tagLength} 4) is kept, or dropped on the way ({@code
 * dropTag}): the tunnel receives frames tagged and sends them untagged.
 *
 * <p>Use: {@link #prepare} checks one frame and says how many segments it makes; {@link #write}
 * then writes segment {@code i}. No allocation; one instance per sending thread.
 */
public final class TcpSegmenter {

  /** Why a frame was not cut. */
  public enum Refusal {
    /** A GSO type other than TCPv4 or TCPv6 (UDP fragmentation offload, UDP L4 GSO). */
    UNSUPPORTED_GSO_TYPE,
    /**
     * The offload header does not match the frame: wrong IP version for the GSO type, not TCP, IP
     * options or extension headers out of bounds, a checksum start that is not the TCP header, a
     * zero {@code gso_size}, no payload.
     */
    MALFORMED_OFFLOAD_HEADER,
    /** One segment (headers plus {@code gso_size}) would be longer than the output allows. */
    SEGMENT_TOO_LONG
  }

  public static final int ETHERTYPE_IPV4 = 0x0800;
  public static final int ETHERTYPE_IPV6 = 0x86DD;
  private static final int PROTOCOL_TCP = 6;
  private static final int IPV6_HEADER_LENGTH = 40;
  private static final int TCP_FIN = 0x01;
  private static final int TCP_PSH = 0x08;
  private static final int TCP_CWR = 0x80;

  private static final ValueLayout.OfShort U16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private MemorySegment source;
  private long frame;

  /** Bytes of the input's tag left out of the output: 0 or its tag length. */
  private int dropped;

  private boolean ipv4;

  /** Offsets in the output frame. */
  private int ipStart;

  private int tcpStart;
  private int headersLength;
  private int payloadLength;
  private int segmentSize;
  private int segments;
  private int ipId;
  private int sequence;
  private int tcpFlags;
  private long addressSum;
  private Refusal refusal;

  /**
   * Checks the GSO frame at {@code source[offset, offset + length)}, whose {@link VirtioNetHeader}
   * is in the 10 bytes before it, and keeps it for {@link #write}.
   *
   * @param tagLength 4 when the frame carries an 802.1Q tag, else 0
   * @param dropTag whether to leave the tag out of the segments
   * @param maxSegmentLength the longest output frame allowed
   * @return how many segments it makes, or -1 ({@link #refusal()} says why)
   */
  public int prepare(
      MemorySegment source,
      long offset,
      int length,
      int tagLength,
      boolean dropTag,
      int maxSegmentLength) {
    segments = 0;
    long header = offset - VirtioNetHeader.LENGTH;
    int gsoType = VirtioNetHeader.gsoType(source, header) & ~VirtioNetHeader.GSO_ECN;
    if (gsoType != VirtioNetHeader.GSO_TCPV4 && gsoType != VirtioNetHeader.GSO_TCPV6) {
      return refuse(Refusal.UNSUPPORTED_GSO_TYPE);
    }
    int inIp = EthernetFrame.HEADER_LENGTH + tagLength;
    if (length < inIp + IPV6_HEADER_LENGTH) {
      return refuse(Refusal.MALFORMED_OFFLOAD_HEADER);
    }
    int etherType = source.get(U16, offset + inIp - 2) & 0xffff;
    int inTcp;
    if (gsoType == VirtioNetHeader.GSO_TCPV4) {
      int versionAndLength = source.get(ValueLayout.JAVA_BYTE, offset + inIp) & 0xff;
      int ipHeaderLength = (versionAndLength & 0x0f) * 4;
      if (etherType != ETHERTYPE_IPV4
          || versionAndLength >>> 4 != 4
          || ipHeaderLength < 20
          || (source.get(ValueLayout.JAVA_BYTE, offset + inIp + 9) & 0xff) != PROTOCOL_TCP) {
        return refuse(Refusal.MALFORMED_OFFLOAD_HEADER);
      }
      inTcp = inIp + ipHeaderLength;
    } else {
      if (etherType != ETHERTYPE_IPV6
          || (source.get(ValueLayout.JAVA_BYTE, offset + inIp) & 0xf0) != 0x60
          || (source.get(ValueLayout.JAVA_BYTE, offset + inIp + 6) & 0xff) != PROTOCOL_TCP) {
        return refuse(Refusal.MALFORMED_OFFLOAD_HEADER);
      }
      inTcp = inIp + IPV6_HEADER_LENGTH;
    }
    if (inTcp + 20 > length) {
      return refuse(Refusal.MALFORMED_OFFLOAD_HEADER);
    }
    int tcpHeaderLength =
        ((source.get(ValueLayout.JAVA_BYTE, offset + inTcp + 12) & 0xf0) >>> 4) * 4;
    int inHeaders = inTcp + tcpHeaderLength;
    int size = VirtioNetHeader.gsoSize(source, header);
    boolean needsChecksum =
        (VirtioNetHeader.flags(source, header) & VirtioNetHeader.FLAG_NEEDS_CSUM) != 0;
    if (tcpHeaderLength < 20
        || inHeaders >= length
        || size == 0
        || (needsChecksum
            && (VirtioNetHeader.checksumStart(source, header) != inTcp
                || VirtioNetHeader.checksumOffset(source, header) != 16))) {
      return refuse(Refusal.MALFORMED_OFFLOAD_HEADER);
    }
    this.source = source;
    this.frame = offset;
    this.dropped = dropTag ? tagLength : 0;
    this.ipv4 = gsoType == VirtioNetHeader.GSO_TCPV4;
    this.ipStart = inIp - dropped;
    this.tcpStart = inTcp - dropped;
    this.headersLength = inHeaders - dropped;
    this.payloadLength = length - inHeaders;
    int segmentLength = headersLength + Math.min(size, payloadLength);
    if (segmentLength > maxSegmentLength) {
      return refuse(Refusal.SEGMENT_TOO_LONG);
    }
    this.segmentSize = size;
    this.ipId = ipv4 ? source.get(U16, offset + inIp + 4) & 0xffff : 0;
    this.sequence = source.get(U32, offset + inTcp + 4);
    this.tcpFlags = source.get(ValueLayout.JAVA_BYTE, offset + inTcp + 13) & 0xff;
    long addresses = ipv4 ? offset + inIp + 12 : offset + inIp + 8;
    this.addressSum = InternetChecksum.add(0, source, addresses, ipv4 ? 8 : 32);
    this.segments = (payloadLength + size - 1) / size;
    this.refusal = null;
    return segments;
  }

  private int refuse(Refusal why) {
    refusal = why;
    return -1;
  }

  /** Why the last {@link #prepare} returned -1. */
  public Refusal refusal() {
    return refusal;
  }

  /** Bytes of headers (Ethernet, IP, TCP) in each segment of the prepared frame. */
  public int headersLength() {
    return headersLength;
  }

  /** The length of segment {@code index}: all are the same but the last, which may be shorter. */
  public int segmentLength(int index) {
    int payload = Math.min(segmentSize, payloadLength - index * segmentSize);
    return headersLength + payload;
  }

  /**
   * Writes segment {@code index} (0 to the count {@link #prepare} returned, less one) of the
   * prepared frame as a complete frame at {@code target[at, at + length)}.
   *
   * @return its length
   */
  public int write(int index, MemorySegment target, long at) {
    int skip = index * segmentSize;
    int payload = Math.min(segmentSize, payloadLength - skip);
    int tcpLength = headersLength - tcpStart + payload;
    MemorySegment.copy(source, frame, target, at, EthernetFrame.ETHERTYPE_OFFSET);
    MemorySegment.copy(
        source,
        frame + EthernetFrame.ETHERTYPE_OFFSET + dropped,
        target,
        at + EthernetFrame.ETHERTYPE_OFFSET,
        headersLength - EthernetFrame.ETHERTYPE_OFFSET);
    MemorySegment.copy(
        source, frame + dropped + headersLength + skip, target, at + headersLength, payload);
    long ip = at + ipStart;
    if (ipv4) {
      int ipHeaderLength = tcpStart - ipStart;
      target.set(U16, ip + 2, (short) (ipHeaderLength + tcpLength));
      target.set(U16, ip + 4, (short) (ipId + index));
      target.set(U16, ip + 10, (short) 0);
      int check = InternetChecksum.finish(InternetChecksum.add(0, target, ip, ipHeaderLength));
      target.set(U16, ip + 10, (short) check);
    } else {
      target.set(U16, ip + 4, (short) tcpLength);
    }
    long tcp = at + tcpStart;
    target.set(U32, tcp + 4, sequence + skip);
    int flags = tcpFlags;
    if (index != segments - 1) {
      flags &= ~(TCP_FIN | TCP_PSH);
    }
    if (index != 0) {
      flags &= ~TCP_CWR;
    }
    target.set(ValueLayout.JAVA_BYTE, tcp + 13, (byte) flags);
    target.set(U16, tcp + 16, (short) 0);
    long sum = addressSum + PROTOCOL_TCP + tcpLength;
    target.set(
        U16,
        tcp + 16,
        (short) InternetChecksum.finish(InternetChecksum.add(sum, target, tcp, tcpLength)));
    return headersLength + payload;
  }
}
