package io.kvswitch.dataplane.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Joining segments: what a sender's TSO cut, the coalescer puts back into the frame it was, and
 * nothing that does not continue a flow exactly is joined or reordered.
 */
class TcpCoalescerTest {

  private final Arena arena = Arena.ofConfined();
  private final MemorySegment slot = arena.allocate(70_000);
  private final TcpCoalescer coalescer = new TcpCoalescer(arena);
  private final List<byte[]> delivered = new ArrayList<>();
  private final FrameSink sink =
      (buffer, offset, length) ->
          delivered.add(
              buffer
                  .asSlice(offset - VirtioNetHeader.LENGTH, VirtioNetHeader.LENGTH + length)
                  .toArray(ValueLayout.JAVA_BYTE));

  @AfterEach
  void close() {
    arena.close();
  }

  /** The segments a NIC would cut {@code offloaded} into, as the tunnel delivers them. */
  private List<byte[]> segmentsOf(GsoFrames.Offloaded offloaded, int tagLength) {
    byte[] both = offloaded.headerAndFrame();
    MemorySegment input = arena.allocate(both.length);
    MemorySegment.copy(both, 0, input, ValueLayout.JAVA_BYTE, 0, both.length);
    TcpSegmenter segmenter = new TcpSegmenter();
    int count =
        segmenter.prepare(
            input, VirtioNetHeader.LENGTH, offloaded.frame().length, tagLength, false, 9000);
    MemorySegment output = arena.allocate(9000);
    List<byte[]> segments = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int length = segmenter.write(i, output, 0);
      segments.add(output.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
    }
    return segments;
  }

  private void offer(byte[] frame) {
    // Each frame where a ring slot would have it: after ten bytes of headroom.
    MemorySegment.copy(frame, 0, slot, ValueLayout.JAVA_BYTE, VirtioNetHeader.LENGTH, frame.length);
    coalescer.accept(slot, VirtioNetHeader.LENGTH, frame.length, sink);
  }

  private static byte[] frameOf(byte[] delivered) {
    return Arrays.copyOfRange(delivered, VirtioNetHeader.LENGTH, delivered.length);
  }

  private static byte[] headerOf(byte[] delivered) {
    return Arrays.copyOf(delivered, VirtioNetHeader.LENGTH);
  }

  @Test
  void theSegmentsOfOneTsoFrameBecomeThatFrameAgain() {
    int flags = GsoFrames.TCP_ACK | GsoFrames.TCP_PSH;
    GsoFrames.Offloaded original = GsoFrames.tcp(false, 10, 60_000, 1398, flags);
    List<byte[]> segments = segmentsOf(original, 4);
    assertThat(segments).hasSize(43);

    segments.forEach(this::offer);
    assertThat(delivered).isEmpty();
    coalescer.flush(sink);

    assertThat(delivered).hasSize(1);
    byte[] joined = frameOf(delivered.get(0));
    assertThat(headerOf(delivered.get(0))).isEqualTo(original.header());
    byte[] expected = original.frame().clone();
    // The original's IPv4 header checksum is left to the NIC (zero); the joined one is valid.
    int ip = 18;
    expected[ip + 10] = joined[ip + 10];
    expected[ip + 11] = joined[ip + 11];
    assertThat(joined).isEqualTo(expected);
    assertThat(GsoFrames.fold(GsoFrames.sumWords(joined, ip, 20))).isEqualTo(0xffff);
    assertThat(coalescer.joinedFrames()).isEqualTo(1);
    assertThat(coalescer.joinedSegments()).isEqualTo(43);
  }

  @Test
  void aSegmentThatDoesNotFollowOnStartsANewFrame() {
    List<byte[]> segments = segmentsOf(GsoFrames.tcp(false, -1, 5 * 1000, 1000, 0x10), 0);
    offer(segments.get(0));
    offer(segments.get(1));
    offer(segments.get(3)); // segment 2 lost
    offer(segments.get(4));
    coalescer.flush(sink);

    assertThat(delivered).hasSize(2);
    assertThat(GsoFrames.read(frameOf(delivered.get(0))).sequence()).isEqualTo(1000);
    assertThat(frameOf(delivered.get(0))).hasSize(66 + 2000);
    assertThat(GsoFrames.read(frameOf(delivered.get(1))).sequence()).isEqualTo(4000);
    assertThat(frameOf(delivered.get(1))).hasSize(66 + 2000);
  }

  @Test
  void aLoneSegmentGoesOnUnchangedWithAPlainHeader() {
    byte[] segment = segmentsOf(GsoFrames.tcp(false, -1, 3000, 1000, 0x10), 0).get(0);
    offer(segment);
    coalescer.flush(sink);

    assertThat(delivered).hasSize(1);
    assertThat(headerOf(delivered.get(0))).containsOnly(0);
    assertThat(frameOf(delivered.get(0))).isEqualTo(segment);
    assertThat(coalescer.joinedFrames()).isZero();
  }

  @Test
  void aShortSegmentOrPshEndsTheFrame() {
    List<byte[]> first = segmentsOf(GsoFrames.tcp(false, -1, 2500, 1000, 0x10), 0);
    offer(first.get(0));
    offer(first.get(1));
    offer(first.get(2)); // 500 bytes: the end of this frame
    // The next TSO frame of the flow starts where the first ended, and is joined on its own.
    byte[] next = segmentsOf(GsoFrames.tcp(false, -1, 2500, 1000, 0x10), 0).get(0).clone();
    setSequence(next, 1000 + 2500);
    offer(next);
    coalescer.flush(sink);

    assertThat(delivered).hasSize(2);
    assertThat(frameOf(delivered.get(0))).hasSize(66 + 2500);
    assertThat(frameOf(delivered.get(1))).hasSize(66 + 1000);
  }

  @Test
  void framesThatCannotJoinFlushThePendingFrameFirstAndKeepTheirOrder() {
    List<byte[]> segments = segmentsOf(GsoFrames.tcp(false, -1, 3000, 1000, 0x10), 0);
    byte[] pureAck = Arrays.copyOf(segments.get(0), 66);
    pureAck[14 + 2] = 0;
    pureAck[14 + 3] = 52; // IP total length: headers only
    fixIpChecksum(pureAck);
    byte[] fin = segments.get(2).clone();
    fin[14 + 20 + 13] = 0x11; // ACK|FIN

    offer(segments.get(0));
    offer(segments.get(1));
    offer(pureAck);
    offer(fin);
    coalescer.flush(sink);

    assertThat(delivered).hasSize(3);
    assertThat(frameOf(delivered.get(0))).hasSize(66 + 2000);
    assertThat(headerOf(delivered.get(0))[1]).isEqualTo((byte) VirtioNetHeader.GSO_TCPV4);
    assertThat(frameOf(delivered.get(1))).isEqualTo(pureAck);
    assertThat(headerOf(delivered.get(1))).containsOnly(0);
    assertThat(frameOf(delivered.get(2))).isEqualTo(fin);
  }

  @Test
  void anotherFlowInBetweenEndsTheFrame() {
    List<byte[]> segments = segmentsOf(GsoFrames.tcp(false, -1, 3000, 1000, 0x10), 0);
    byte[] otherPort = segments.get(1).clone();
    otherPort[14 + 20 + 1] = 0x41; // source port 40001

    offer(segments.get(0));
    offer(otherPort);
    offer(segments.get(1));
    coalescer.flush(sink);

    assertThat(delivered).extracting(d -> frameOf(d).length).containsExactly(1066, 1066, 1066);
  }

  @Test
  void differentTimestampsAreNotJoined() {
    List<byte[]> segments = segmentsOf(GsoFrames.tcp(false, -1, 2000, 1000, 0x10), 0);
    byte[] later = segments.get(1).clone();
    later[14 + 20 + 27] = 9; // TSval

    offer(segments.get(0));
    offer(later);
    coalescer.flush(sink);

    assertThat(delivered).hasSize(2);
  }

  @Test
  void aJoinedFrameStopsBeforeTheIpLengthLimit() {
    // 50 segments of 1398 bytes: 69,900 bytes would not fit one IPv4 packet.
    List<byte[]> first = segmentsOf(GsoFrames.tcp(false, -1, 60_000, 1398, 0x10), 0);
    List<byte[]> second = segmentsOf(GsoFrames.tcp(false, -1, 9_900, 1398, 0x10), 0);
    first.subList(0, 42).forEach(this::offer); // 42 full segments, the 43rd is short
    for (byte[] segment : second.subList(0, 7)) {
      byte[] shifted = segment.clone();
      setSequence(shifted, readSequence(segment) + 42 * 1398);
      offer(shifted);
    }
    coalescer.flush(sink);

    assertThat(delivered).hasSize(2);
    assertThat(frameOf(delivered.get(0)).length - 14).isLessThanOrEqualTo(65_535);
    int total = 0;
    for (byte[] frame : delivered) {
      total += frameOf(frame).length - 66;
    }
    assertThat(total).isEqualTo(49 * 1398);
  }

  @Test
  void theSegmentsOfOneIpv6TsoFrameBecomeThatFrameAgain() {
    int flags = GsoFrames.TCP_ACK | GsoFrames.TCP_PSH;
    GsoFrames.Offloaded original = GsoFrames.tcp(true, 10, 60_000, 1378, flags);
    List<byte[]> segments = segmentsOf(original, 4);
    assertThat(segments).hasSize(44);

    segments.forEach(this::offer);
    assertThat(delivered).isEmpty();
    coalescer.flush(sink);

    assertThat(delivered).hasSize(1);
    // GSO_TCPV6, hdr_len 18 + 40 + 32, gso_size 1378, csum_start 58, csum_offset 16; the payload
    // length and the pseudo-header sum over the whole are exactly what the sender's stack wrote.
    assertThat(headerOf(delivered.get(0))).isEqualTo(original.header());
    assertThat(headerOf(delivered.get(0))[1]).isEqualTo((byte) VirtioNetHeader.GSO_TCPV6);
    assertThat(frameOf(delivered.get(0))).isEqualTo(original.frame());
    assertThat(coalescer.joinedFrames()).isEqualTo(1);
    assertThat(coalescer.joinedSegments()).isEqualTo(44);
  }

  @Test
  void aJoinedIpv6FrameCarriesAPseudoHeaderSumThatFinishesToAValidChecksum() {
    List<byte[]> segments =
        segmentsOf(GsoFrames.tcp(true, -1, 5 * 1200 + 345, 1200, GsoFrames.TCP_ACK), 0);
    segments.forEach(this::offer);
    coalescer.flush(sink);

    assertThat(delivered).hasSize(1);
    byte[] header = headerOf(delivered.get(0));
    byte[] joined = frameOf(delivered.get(0));
    assertThat(header[0]).isEqualTo((byte) VirtioNetHeader.FLAG_NEEDS_CSUM);
    int start = u16le(header, 6);
    int field = start + u16le(header, 8);
    assertThat(start).isEqualTo(14 + 40);
    assertThat(field).isEqualTo(14 + 40 + 16);
    assertThat(u16le(header, 4)).as("gso_size").isEqualTo(1200);
    assertThat(u16le(header, 2)).as("hdr_len").isEqualTo(14 + 40 + 32);
    assertThat(u16be(joined, 14 + 4)).as("payload length").isEqualTo(32 + 6345);
    // What a receiver with checksum offload does: sum from csum_start on, the field included (it
    // holds the pseudo-header sum), and store the complement. The result must be the checksum of
    // the whole segment, pseudo-header included, checked word by word by GsoFrames.read.
    int sum = GsoFrames.fold(GsoFrames.sumWords(joined, start, joined.length - start));
    joined[field] = (byte) (~sum >> 8);
    joined[field + 1] = (byte) ~sum;
    GsoFrames.Segment whole = GsoFrames.read(joined);
    assertThat(whole.tcpChecksumValid()).isTrue();
    assertThat(whole.payload()).hasSize(6345);
    for (int i = 0; i < 6345; i++) {
      assertThat(whole.payload()[i]).isEqualTo(GsoFrames.payloadByte(i));
    }
  }

  @Test
  void ipv6SegmentsWithAnExtensionHeaderAreNeverJoined() {
    List<byte[]> segments = segmentsOf(GsoFrames.tcp(true, -1, 3000, 1000, 0x10), 0);
    List<byte[]> withOptions = new ArrayList<>();
    for (byte[] segment : segments) {
      withOptions.add(withDestinationOptions(segment));
    }

    withOptions.forEach(this::offer);
    coalescer.flush(sink);

    assertThat(delivered).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(headerOf(delivered.get(i))).containsOnly(0);
      assertThat(frameOf(delivered.get(i))).isEqualTo(withOptions.get(i));
    }
    assertThat(coalescer.joinedFrames()).isZero();
  }

  @Test
  void ipv6SegmentsThatDifferInFlowLabelOrHopLimitAreNotJoined() {
    List<byte[]> segments = segmentsOf(GsoFrames.tcp(true, -1, 3000, 1000, 0x10), 0);
    byte[] otherLabel = segments.get(1).clone();
    otherLabel[14 + 3] = 0x21; // flow label
    byte[] otherHopLimit = segments.get(2).clone();
    otherHopLimit[14 + 7] = 63;

    offer(segments.get(0));
    offer(otherLabel);
    offer(otherHopLimit);
    coalescer.flush(sink);

    assertThat(delivered).hasSize(3);
    assertThat(coalescer.joinedFrames()).isZero();
  }

  @Test
  void ipv4AndIpv6SegmentsOfTheSamePortsAreKeptApartAndInOrder() {
    List<byte[]> v4 = segmentsOf(GsoFrames.tcp(false, -1, 2000, 1000, 0x10), 0);
    List<byte[]> v6 = segmentsOf(GsoFrames.tcp(true, -1, 2000, 1000, 0x10), 0);

    offer(v4.get(0));
    offer(v4.get(1));
    offer(v6.get(0));
    offer(v6.get(1));
    coalescer.flush(sink);

    assertThat(delivered).hasSize(2);
    assertThat(headerOf(delivered.get(0))[1]).isEqualTo((byte) VirtioNetHeader.GSO_TCPV4);
    assertThat(frameOf(delivered.get(0))).hasSize(66 + 2000);
    assertThat(headerOf(delivered.get(1))[1]).isEqualTo((byte) VirtioNetHeader.GSO_TCPV6);
    assertThat(frameOf(delivered.get(1))).hasSize(86 + 2000);
  }

  @Test
  void aJoinedIpv6FrameStopsBeforeThePayloadLengthLimit() {
    // 50 segments of 1378 bytes: 68,900 bytes would not fit one IPv6 packet of 64 KiB.
    List<byte[]> first = segmentsOf(GsoFrames.tcp(true, -1, 60_000, 1378, 0x10), 0);
    List<byte[]> second = segmentsOf(GsoFrames.tcp(true, -1, 9_900, 1378, 0x10), 0);
    first.subList(0, 43).forEach(this::offer); // 43 full segments, the 44th is short
    for (byte[] segment : second.subList(0, 7)) {
      byte[] shifted = segment.clone();
      setSequence(shifted, readSequence(segment) + 43 * 1378, 14 + 40 + 4);
      offer(shifted);
    }
    coalescer.flush(sink);

    assertThat(delivered).hasSize(2);
    byte[] firstFrame = frameOf(delivered.get(0));
    assertThat(firstFrame.length - 14).isLessThanOrEqualTo(65_535);
    assertThat(u16be(firstFrame, 14 + 4)).isEqualTo(firstFrame.length - 14 - 40);
    int total = 0;
    for (byte[] frame : delivered) {
      total += frameOf(frame).length - 86;
    }
    assertThat(total).isEqualTo(50 * 1378);
  }

  /**
   * The segment with an 8-byte destination options header (PadN only) between the IPv6 header and
   * TCP, as a stack would send it.
   */
  private static byte[] withDestinationOptions(byte[] segment) {
    int tcp = 14 + 40;
    byte[] result = new byte[segment.length + 8];
    System.arraycopy(segment, 0, result, 0, tcp);
    result[14 + 6] = 60; // next header: destination options
    int payloadLength = u16be(segment, 14 + 4) + 8;
    result[14 + 4] = (byte) (payloadLength >> 8);
    result[14 + 5] = (byte) payloadLength;
    result[tcp] = 6; // then TCP
    result[tcp + 1] = 0; // 8 bytes in all
    result[tcp + 2] = 1; // PadN
    result[tcp + 3] = 4;
    System.arraycopy(segment, tcp, result, tcp + 8, segment.length - tcp);
    return result;
  }

  private static int u16be(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
  }

  private static int u16le(byte[] bytes, int at) {
    return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8;
  }

  private static void setSequence(byte[] frame, long sequence) {
    setSequence(frame, sequence, 14 + 20 + 4);
  }

  private static void setSequence(byte[] frame, long sequence, int at) {
    frame[at] = (byte) (sequence >>> 24);
    frame[at + 1] = (byte) (sequence >>> 16);
    frame[at + 2] = (byte) (sequence >>> 8);
    frame[at + 3] = (byte) sequence;
  }

  private static long readSequence(byte[] frame) {
    return GsoFrames.read(frame).sequence();
  }

  private static void fixIpChecksum(byte[] frame) {
    frame[24] = 0;
    frame[25] = 0;
    int check = ~GsoFrames.fold(GsoFrames.sumWords(frame, 14, 20)) & 0xffff;
    frame[24] = (byte) (check >> 8);
    frame[25] = (byte) check;
  }
}
