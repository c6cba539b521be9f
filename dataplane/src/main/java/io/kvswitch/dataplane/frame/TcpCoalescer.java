package io.kvswitch.dataplane.frame;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Software GRO for TCP over IPv4 and IPv6: joins a run of consecutive segments of one flow, as they
 * come out of the tunnel, into one GSO frame with a {@link VirtioNetHeader} ({@link
 * VirtioNetHeader#GSO_TCPV4} or {@link VirtioNetHeader#GSO_TCPV6}, {@code gso_size} the first
 * segment's payload, checksum left partial), which is what a Linux bridge hands a pod after the
 * NIC's GRO: the pod's stack then handles one 64 KiB frame instead of 45 segments, and acknowledges
 * it once.
 *
 * <p>A segment joins the pending frame when it continues it exactly: same Ethernet header (tag and
 * EtherType included), same IP addresses, same IPv4 TOS and TTL or IPv6 traffic class, flow label
 * and hop limit, same ports, acknowledgement, window and TCP options (timestamps too, as Linux's
 * GRO asks), its sequence number is the next one, only ACK (and PSH) set, and its payload no longer
 * than the first's. A shorter segment or one with PSH ends the frame. Anything else (other
 * protocols, IPv4 options or fragments, IPv6 extension headers or jumbograms, SYN/FIN/RST/URG/ECE/
 * CWR, pure ACKs) first flushes the pending frame and then goes on as it is, so the order of frames
 * never changes. A joined frame's IP packet is at most 65,535 bytes, for either family.
 *
 * <p>Checksums: the segments' own TCP checksums are not checked; the outer UDP checksum, checked by
 * the receiving kernel before the datagram reached the tunnel socket, covers every byte of the
 * inner frame. A joined frame is sent with its checksum partial (the pseudo-header sum in the
 * field: addresses, protocol and TCP length, RFC 793 for IPv4, RFC 8200 §8.1 for IPv6), which the
 * receiver finishes or trusts, as it does for a frame from a local TSO sender. IPv4's header
 * checksum is recomputed for the new total length; IPv6 has none, only its payload length changes.
 *
 * <p>Frames given to {@link #accept} must have {@link VirtioNetHeader#LENGTH} writable bytes in
 * front of them: a frame that passes on unchanged gets a plain header written there.
 */
public final class TcpCoalescer {

  /** The longest IPv4 packet: the limit of a joined frame. */
  private static final int MAX_IP_LENGTH = 65_535;

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86DD;
  private static final int IPV6_HEADER_LENGTH = 40;
  private static final int PROTOCOL_TCP = 6;
  private static final int TCP_ACK = 0x10;
  private static final int TCP_PSH = 0x08;
  private static final long FRAME = VirtioNetHeader.LENGTH;

  private static final ValueLayout.OfShort U16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  /** The pending frame: its virtio header in the first 10 bytes, then the frame. */
  private final MemorySegment pending;

  private int pendingLength;
  private int segments;
  private int ipStart;
  private int tcpStart;
  private int headersLength;
  private int segmentPayload;
  private int nextSequence;
  private boolean ended;
  private boolean pendingIpv6;

  // The frame being looked at, parsed once by eligible().
  private int l2;
  private int tcp;
  private int headers;
  private int payload;
  private int flags;
  private boolean ipv6;

  private long joinedFrames;
  private long joinedSegments;

  public TcpCoalescer(Arena arena) {
    this.pending = arena.allocate(FRAME + EthernetFrame.TAGGED_HEADER_LENGTH + MAX_IP_LENGTH, 64);
  }

  /**
   * Takes the next frame: joins it to the pending frame, makes it the new pending frame, or passes
   * it to {@code sink} (after the pending one) as it is.
   */
  public void accept(MemorySegment frame, long offset, int length, FrameSink sink) {
    if (!eligible(frame, offset, length)) {
      flush(sink);
      VirtioNetHeader.writePlain(frame, offset - VirtioNetHeader.LENGTH);
      sink.accept(frame, offset, length);
      return;
    }
    if (pendingLength > 0 && continues(frame, offset)) {
      MemorySegment.copy(frame, offset + headers, pending, FRAME + pendingLength, payload);
      pendingLength += payload;
      nextSequence += payload;
      segments++;
      if (payload < segmentPayload || (flags & TCP_PSH) != 0) {
        ended = true;
        pending.set(ValueLayout.JAVA_BYTE, FRAME + tcpStart + 13, (byte) flags);
      }
      return;
    }
    flush(sink);
    MemorySegment.copy(frame, offset, pending, FRAME, length);
    pendingLength = length;
    segments = 1;
    ipStart = l2;
    tcpStart = tcp;
    headersLength = headers;
    segmentPayload = payload;
    nextSequence = frame.get(U32, offset + tcp + 4) + payload;
    ended = (flags & TCP_PSH) != 0;
    pendingIpv6 = ipv6;
  }

  /**
   * Passes the pending frame on: as it came when it is one segment, else as a GSO frame with its IP
   * length (and IPv4 header checksum) and its TCP pseudo-header sum made for the whole.
   */
  public void flush(FrameSink sink) {
    if (pendingLength == 0) {
      return;
    }
    int length = pendingLength;
    pendingLength = 0;
    if (segments == 1) {
      VirtioNetHeader.writePlain(pending, 0);
      sink.accept(pending, FRAME, length);
      return;
    }
    long ip = FRAME + ipStart;
    int ipHeaderLength = tcpStart - ipStart;
    int tcpLength = length - tcpStart;
    long pseudo;
    if (pendingIpv6) {
      pending.set(U16, ip + 4, (short) tcpLength);
      // Source and destination address, the upper-layer length and the next header (TCP).
      pseudo = InternetChecksum.add(PROTOCOL_TCP + tcpLength, pending, ip + 8, 32);
    } else {
      pending.set(U16, ip + 2, (short) (ipHeaderLength + tcpLength));
      pending.set(U16, ip + 10, (short) 0);
      pending.set(
          U16,
          ip + 10,
          (short) InternetChecksum.finish(InternetChecksum.add(0, pending, ip, ipHeaderLength)));
      pseudo = InternetChecksum.add(PROTOCOL_TCP + tcpLength, pending, ip + 12, 8);
    }
    pending.set(U16, FRAME + tcpStart + 16, (short) InternetChecksum.fold(pseudo));
    pending.set(ValueLayout.JAVA_BYTE, 0, (byte) VirtioNetHeader.FLAG_NEEDS_CSUM);
    pending.set(
        ValueLayout.JAVA_BYTE,
        1,
        (byte) (pendingIpv6 ? VirtioNetHeader.GSO_TCPV6 : VirtioNetHeader.GSO_TCPV4));
    pending.set(U16_LE, 2, (short) headersLength);
    pending.set(U16_LE, 4, (short) segmentPayload);
    pending.set(U16_LE, 6, (short) tcpStart);
    pending.set(U16_LE, 8, (short) 16);
    joinedFrames++;
    joinedSegments += segments;
    sink.accept(pending, FRAME, length);
  }

  /**
   * Whether the frame is a TCP data segment over IPv4 (no options, not a fragment) or IPv6 (no
   * extension header) that may join others; parses it into fields.
   */
  private boolean eligible(MemorySegment frame, long offset, int length) {
    if (length < EthernetFrame.TAGGED_HEADER_LENGTH + 40) {
      return false;
    }
    l2 =
        EthernetFrame.etherType(frame, offset) == EthernetFrame.ETHERTYPE_VLAN
            ? EthernetFrame.TAGGED_HEADER_LENGTH
            : EthernetFrame.HEADER_LENGTH;
    long ip = offset + l2;
    int etherType = frame.get(U16, ip - 2) & 0xffff;
    if (etherType == ETHERTYPE_IPV4) {
      if (frame.get(ValueLayout.JAVA_BYTE, ip) != 0x45
          || (frame.get(U16, ip + 2) & 0xffff) != length - l2
          || (frame.get(U16, ip + 6) & 0x3fff) != 0
          || frame.get(ValueLayout.JAVA_BYTE, ip + 9) != PROTOCOL_TCP
          || InternetChecksum.fold(InternetChecksum.add(0, frame, ip, 20)) != 0xffff) {
        return false;
      }
      ipv6 = false;
      tcp = l2 + 20;
    } else if (etherType == ETHERTYPE_IPV6) {
      // A payload length of 0 is a jumbogram (hop-by-hop option), refused by the next header.
      if (length < l2 + IPV6_HEADER_LENGTH + 20
          || (frame.get(ValueLayout.JAVA_BYTE, ip) & 0xf0) != 0x60
          || (frame.get(U16, ip + 4) & 0xffff) != length - l2 - IPV6_HEADER_LENGTH
          || frame.get(ValueLayout.JAVA_BYTE, ip + 6) != PROTOCOL_TCP) {
        return false;
      }
      ipv6 = true;
      tcp = l2 + IPV6_HEADER_LENGTH;
    } else {
      return false;
    }
    headers = tcp + ((frame.get(ValueLayout.JAVA_BYTE, offset + tcp + 12) & 0xf0) >>> 2);
    payload = length - headers;
    flags = frame.get(ValueLayout.JAVA_BYTE, offset + tcp + 13) & 0xff;
    return headers >= tcp + 20
        && payload > 0
        && (flags & ~TCP_PSH) == TCP_ACK
        && length - l2 <= MAX_IP_LENGTH;
  }

  /** Whether the parsed frame continues the pending one exactly. */
  private boolean continues(MemorySegment frame, long offset) {
    if (ended
        || l2 != ipStart
        || headers != headersLength
        || payload > segmentPayload
        || pendingLength + payload - ipStart > MAX_IP_LENGTH
        || frame.get(U32, offset + tcp + 4) != nextSequence) {
      return false;
    }
    long ip = offset + l2;
    long pendingIp = FRAME + ipStart;
    long pendingTcp = FRAME + tcpStart;
    long frameTcp = offset + tcp;
    // The Ethernet headers match, EtherType included, so both frames are of the same family.
    if (!same(frame, offset, FRAME, ipStart)) {
      return false;
    }
    boolean sameIp =
        ipv6
            ? same(frame, ip, pendingIp, 4) // version, traffic class, flow label
                && frame.get(ValueLayout.JAVA_BYTE, ip + 7)
                    == pending.get(ValueLayout.JAVA_BYTE, pendingIp + 7) // hop limit
                && same(frame, ip + 8, pendingIp + 8, 32) // addresses
            : frame.get(ValueLayout.JAVA_BYTE, ip + 1)
                    == pending.get(ValueLayout.JAVA_BYTE, pendingIp + 1) // TOS
                && frame.get(ValueLayout.JAVA_BYTE, ip + 8)
                    == pending.get(ValueLayout.JAVA_BYTE, pendingIp + 8) // TTL
                && same(frame, ip + 12, pendingIp + 12, 8); // addresses
    return sameIp
        && same(frame, frameTcp, pendingTcp, 4) // ports
        && same(frame, frameTcp + 8, pendingTcp + 8, 5) // acknowledgement, data offset
        && same(frame, frameTcp + 14, pendingTcp + 14, 2) // window
        && same(frame, frameTcp + 18, pendingTcp + 18, headersLength - tcpStart - 18);
  }

  private boolean same(MemorySegment frame, long at, long pendingAt, int length) {
    return MemorySegment.mismatch(frame, at, at + length, pending, pendingAt, pendingAt + length)
        == -1;
  }

  /** GSO frames made from more than one segment. */
  public long joinedFrames() {
    return joinedFrames;
  }

  /** Segments that went into those frames. */
  public long joinedSegments() {
    return joinedSegments;
  }
}
