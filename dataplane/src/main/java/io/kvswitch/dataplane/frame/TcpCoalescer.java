package io.kvswitch.dataplane.frame;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Software GRO for TCP over IPv4: joins a run of consecutive segments of one flow, as they come out
 * of the tunnel, into one GSO frame with a {@link VirtioNetHeader} ({@link
 * VirtioNetHeader#GSO_TCPV4}, {@code gso_size} the first segment's payload, checksum left partial),
 * which is what a Linux bridge hands a pod after the NIC's GRO: the pod's stack then handles one 64
 * KiB frame instead of 45 segments, and acknowledges it once.
 *
 * <p>A segment joins the pending frame when it continues it exactly: same Ethernet header (tag
 * included), same IP addresses, TOS and TTL, same ports, acknowledgement, window and TCP options
 * (timestamps too, as Linux's GRO asks), its sequence number is the next one, only ACK (and PSH)
 * set, and its payload no longer than the first's. A shorter segment or one with PSH ends the
 * frame. Anything else (other protocols, IP options or fragments, SYN/FIN/RST/URG/ECE/CWR, pure
 * ACKs) first flushes the pending frame and then goes on as it is, so the order of frames never
 * changes.
 *
 * <p>Checksums: the segments' own TCP checksums are not checked; the outer UDP checksum, checked by
 * the receiving kernel before the datagram reached the tunnel socket, covers every byte of the
 * inner frame. A joined frame is sent with its checksum partial (the pseudo-header sum in the
 * field), which the receiver finishes or trusts, as it does for a frame from a local TSO sender.
 *
 * <p>Frames given to {@link #accept} must have {@link VirtioNetHeader#LENGTH} writable bytes in
 * front of them: a frame that passes on unchanged gets a plain header written there.
 */
public final class TcpCoalescer {

  /** The longest IPv4 packet: the limit of a joined frame. */
  private static final int MAX_IP_LENGTH = 65_535;

  private static final int ETHERTYPE_IPV4 = 0x0800;
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

  // The frame being looked at, parsed once by eligible().
  private int l2;
  private int tcp;
  private int headers;
  private int payload;
  private int flags;

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
  }

  /**
   * Passes the pending frame on: as it came when it is one segment, else as a GSO frame with its IP
   * length and header checksum and its TCP pseudo-header sum made for the whole.
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
    pending.set(U16, ip + 2, (short) (ipHeaderLength + tcpLength));
    pending.set(U16, ip + 10, (short) 0);
    pending.set(
        U16,
        ip + 10,
        (short) InternetChecksum.finish(InternetChecksum.add(0, pending, ip, ipHeaderLength)));
    long pseudo = InternetChecksum.add(6 + tcpLength, pending, ip + 12, 8);
    pending.set(U16, FRAME + tcpStart + 16, (short) InternetChecksum.fold(pseudo));
    pending.set(ValueLayout.JAVA_BYTE, 0, (byte) VirtioNetHeader.FLAG_NEEDS_CSUM);
    pending.set(ValueLayout.JAVA_BYTE, 1, (byte) VirtioNetHeader.GSO_TCPV4);
    pending.set(U16_LE, 2, (short) headersLength);
    pending.set(U16_LE, 4, (short) segmentPayload);
    pending.set(U16_LE, 6, (short) tcpStart);
    pending.set(U16_LE, 8, (short) 16);
    joinedFrames++;
    joinedSegments += segments;
    sink.accept(pending, FRAME, length);
  }

  /** Whether the frame is a TCP/IPv4 data segment that may join others; parses it into fields. */
  private boolean eligible(MemorySegment frame, long offset, int length) {
    if (length < EthernetFrame.TAGGED_HEADER_LENGTH + 40) {
      return false;
    }
    l2 =
        EthernetFrame.etherType(frame, offset) == EthernetFrame.ETHERTYPE_VLAN
            ? EthernetFrame.TAGGED_HEADER_LENGTH
            : EthernetFrame.HEADER_LENGTH;
    long ip = offset + l2;
    if ((frame.get(U16, ip - 2) & 0xffff) != ETHERTYPE_IPV4
        || frame.get(ValueLayout.JAVA_BYTE, ip) != 0x45
        || (frame.get(U16, ip + 2) & 0xffff) != length - l2
        || (frame.get(U16, ip + 6) & 0x3fff) != 0
        || frame.get(ValueLayout.JAVA_BYTE, ip + 9) != 6
        || InternetChecksum.fold(InternetChecksum.add(0, frame, ip, 20)) != 0xffff) {
      return false;
    }
    tcp = l2 + 20;
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
    return same(frame, offset, FRAME, ipStart) // Ethernet header and tag
        && frame.get(ValueLayout.JAVA_BYTE, ip + 1)
            == pending.get(ValueLayout.JAVA_BYTE, pendingIp + 1)
        && frame.get(ValueLayout.JAVA_BYTE, ip + 8)
            == pending.get(ValueLayout.JAVA_BYTE, pendingIp + 8)
        && same(frame, ip + 12, pendingIp + 12, 8) // addresses
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
