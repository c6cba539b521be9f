package io.kvswitch.dataplane.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cutting TCP GSO frames: every segment is checked against an independent word-by-word reading
 * ({@link GsoFrames#read}) and the payloads put back together must be the original.
 */
class TcpSegmenterTest {

  private static final int NO_LIMIT = 9000;

  private final Arena arena = Arena.ofConfined();
  private final MemorySegment input = arena.allocate(70_000);
  private final MemorySegment output = arena.allocate(70_000);
  private final TcpSegmenter segmenter = new TcpSegmenter();

  @AfterEach
  void close() {
    arena.close();
  }

  private int prepare(GsoFrames.Offloaded offloaded, int tagLength, int limit) {
    return prepare(offloaded, tagLength, true, limit);
  }

  private int prepare(GsoFrames.Offloaded offloaded, int tagLength, boolean dropTag, int limit) {
    byte[] both = offloaded.headerAndFrame();
    // Odd offset: nothing may depend on alignment.
    MemorySegment.copy(both, 0, input, ValueLayout.JAVA_BYTE, 3, both.length);
    return segmenter.prepare(
        input, 3 + VirtioNetHeader.LENGTH, offloaded.frame().length, tagLength, dropTag, limit);
  }

  private List<byte[]> cut(GsoFrames.Offloaded offloaded, int tagLength) {
    return cut(offloaded, tagLength, true);
  }

  private List<byte[]> cut(GsoFrames.Offloaded offloaded, int tagLength, boolean dropTag) {
    int count = prepare(offloaded, tagLength, dropTag, NO_LIMIT);
    assertThat(count).as("refused: %s", segmenter.refusal()).isPositive();
    List<byte[]> segments = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int length = segmenter.write(i, output, 1);
      assertThat(length).isEqualTo(segmenter.segmentLength(i));
      segments.add(output.asSlice(1, length).toArray(ValueLayout.JAVA_BYTE));
    }
    return segments;
  }

  @ParameterizedTest(name = "ipv6={0}, payload {1}, gso_size {2}: {3} segments, last {4}")
  @CsvSource({
    "false, 65000, 1398, 47, 692",
    "false, 2796, 1398, 2, 1398",
    "false, 1399, 1398, 2, 1",
    "false, 100, 1398, 1, 100",
    "true, 65000, 1378, 48, 234",
    "true, 1378, 1378, 1, 1378"
  })
  void segmentsCarryGsoSizeBytesEachAndTheRestInTheLast(
      boolean ipv6, int payload, int gsoSize, int count, int lastPayload) {
    GsoFrames.Offloaded frame = GsoFrames.tcp(ipv6, -1, payload, gsoSize, GsoFrames.TCP_ACK);
    List<byte[]> segments = cut(frame, 0);

    assertThat(segments).hasSize(count);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    int headers = 14 + (ipv6 ? 40 : 20) + 32;
    for (int i = 0; i < count; i++) {
      GsoFrames.Segment segment = GsoFrames.read(segments.get(i));
      int expectedPayload = i == count - 1 ? lastPayload : gsoSize;
      assertThat(segments.get(i)).hasSize(headers + expectedPayload);
      assertThat(segment.payload()).hasSize(expectedPayload);
      assertThat(segment.ipTotalLength()).isEqualTo(headers - 14 + expectedPayload);
      assertThat(segment.sequence()).isEqualTo(GsoFrames.SEQUENCE + (long) i * gsoSize);
      assertThat(segment.tcpChecksumValid()).as("TCP checksum of segment %d", i).isTrue();
      assertThat(segment.ipChecksumValid()).as("IPv4 header checksum of segment %d", i).isTrue();
      if (!ipv6) {
        assertThat(segment.ipId()).isEqualTo(GsoFrames.IP_ID + i);
      }
      joined.writeBytes(segment.payload());
    }
    byte[] all = joined.toByteArray();
    assertThat(all).hasSize(payload);
    for (int i = 0; i < payload; i++) {
      assertThat(all[i]).isEqualTo(GsoFrames.payloadByte(i));
    }
  }

  @Test
  void finAndPshStayOnTheLastSegmentAndCwrOnTheFirst() {
    int flags = GsoFrames.TCP_ACK | GsoFrames.TCP_PSH | GsoFrames.TCP_FIN | GsoFrames.TCP_CWR;
    List<byte[]> segments = cut(GsoFrames.tcp(false, -1, 3000, 1000, flags), 0);

    assertThat(segments)
        .extracting(s -> GsoFrames.read(s).tcpFlags())
        .containsExactly(
            GsoFrames.TCP_ACK | GsoFrames.TCP_CWR,
            GsoFrames.TCP_ACK,
            GsoFrames.TCP_ACK | GsoFrames.TCP_PSH | GsoFrames.TCP_FIN);
  }

  @Test
  void theEcnBitOfTheGsoTypeIsAccepted() {
    GsoFrames.Offloaded frame = GsoFrames.tcp(false, -1, 3000, 1000, GsoFrames.TCP_ACK);
    frame.header()[1] = (byte) (VirtioNetHeader.GSO_TCPV4 | VirtioNetHeader.GSO_ECN);
    assertThat(cut(frame, 0)).hasSize(3);
  }

  @Test
  void aTagIsLeftOutOfTheSegmentsAndTheRestIsUnchanged() {
    GsoFrames.Offloaded tagged = GsoFrames.tcp(false, 10, 5000, 1400, GsoFrames.TCP_ACK);
    List<byte[]> fromTagged = cut(tagged, 4);
    List<byte[]> fromUntagged = cut(GsoFrames.tcp(false, -1, 5000, 1400, GsoFrames.TCP_ACK), 0);

    assertThat(fromTagged).hasSameSizeAs(fromUntagged);
    for (int i = 0; i < fromTagged.size(); i++) {
      assertThat(fromTagged.get(i)).isEqualTo(fromUntagged.get(i));
    }
  }

  @Test
  void aKeptTagStaysInEverySegment() {
    GsoFrames.Offloaded tagged = GsoFrames.tcp(false, 10, 5000, 1400, GsoFrames.TCP_ACK);
    List<byte[]> withTag = cut(tagged, 4, false);
    List<byte[]> untagged = cut(GsoFrames.tcp(false, -1, 5000, 1400, GsoFrames.TCP_ACK), 0);

    assertThat(withTag).hasSameSizeAs(untagged);
    for (int i = 0; i < withTag.size(); i++) {
      byte[] segment = withTag.get(i);
      assertThat(Arrays.copyOfRange(segment, 12, 16)).containsExactly(0x81, 0, 0, 10);
      byte[] withoutTag = new byte[segment.length - 4];
      System.arraycopy(segment, 0, withoutTag, 0, 12);
      System.arraycopy(segment, 16, withoutTag, 12, segment.length - 16);
      assertThat(withoutTag).isEqualTo(untagged.get(i));
    }
  }

  @Test
  void ipv6SegmentsOfATaggedFrameKeepFlagsWhereTheyBelongAndMatchTheUntaggedOnes() {
    int flags = GsoFrames.TCP_ACK | GsoFrames.TCP_PSH | GsoFrames.TCP_FIN | GsoFrames.TCP_CWR;
    GsoFrames.Offloaded tagged = GsoFrames.tcp(true, 20, 4000, 1300, flags);
    tagged.header()[1] = (byte) (VirtioNetHeader.GSO_TCPV6 | VirtioNetHeader.GSO_ECN);
    List<byte[]> fromTagged = cut(tagged, 4);
    List<byte[]> untagged = cut(GsoFrames.tcp(true, -1, 4000, 1300, flags), 0);
    List<byte[]> keptTag = cut(GsoFrames.tcp(true, 20, 4000, 1300, flags), 4, false);

    assertThat(fromTagged).hasSize(4).hasSameSizeAs(untagged).hasSameSizeAs(keptTag);
    assertThat(fromTagged)
        .extracting(segment -> GsoFrames.read(segment).tcpFlags())
        .containsExactly(
            GsoFrames.TCP_ACK | GsoFrames.TCP_CWR,
            GsoFrames.TCP_ACK,
            GsoFrames.TCP_ACK,
            GsoFrames.TCP_ACK | GsoFrames.TCP_PSH | GsoFrames.TCP_FIN);
    for (int i = 0; i < fromTagged.size(); i++) {
      GsoFrames.Segment segment = GsoFrames.read(fromTagged.get(i));
      assertThat(segment.ipv6()).isTrue();
      assertThat(segment.tcpChecksumValid()).as("TCP checksum of segment %d", i).isTrue();
      assertThat(segment.ipTotalLength()).isEqualTo(40 + 32 + (i == 3 ? 100 : 1300));
      assertThat(fromTagged.get(i)).isEqualTo(untagged.get(i));
      byte[] segmentWithTag = keptTag.get(i);
      assertThat(Arrays.copyOfRange(segmentWithTag, 12, 18))
          .containsExactly(0x81, 0, 0, 20, 0x86, 0xdd);
    }
  }

  @Test
  void ipv6FramesWithExtensionHeadersOrTheWrongGsoTypeAreRefusedAsMalformed() {
    List<GsoFrames.Offloaded> malformed = new ArrayList<>();
    GsoFrames.Offloaded hopByHop = GsoFrames.tcp(true, -1, 3000, 1000, GsoFrames.TCP_ACK);
    hopByHop.frame()[14 + 6] = 0; // next header: hop-by-hop options, not TCP
    malformed.add(hopByHop);
    GsoFrames.Offloaded destinationOptions = GsoFrames.tcp(true, -1, 3000, 1000, GsoFrames.TCP_ACK);
    destinationOptions.frame()[14 + 6] = 60;
    malformed.add(destinationOptions);
    GsoFrames.Offloaded v4TypeOnV6 = GsoFrames.tcp(true, -1, 3000, 1000, GsoFrames.TCP_ACK);
    v4TypeOnV6.header()[1] = VirtioNetHeader.GSO_TCPV4;
    malformed.add(v4TypeOnV6);
    GsoFrames.Offloaded notVersion6 = GsoFrames.tcp(true, -1, 3000, 1000, GsoFrames.TCP_ACK);
    notVersion6.frame()[14] = 0x40;
    malformed.add(notVersion6);

    for (GsoFrames.Offloaded frame : malformed) {
      assertThat(prepare(frame, 0, NO_LIMIT)).isEqualTo(-1);
      assertThat(segmenter.refusal()).isEqualTo(TcpSegmenter.Refusal.MALFORMED_OFFLOAD_HEADER);
    }
  }

  @Test
  void aSegmentLongerThanTheLimitIsRefused() {
    // 14 + 20 + 32 + 1398 = 1464 bytes: the longest inner frame a 1500-byte underlay carries.
    GsoFrames.Offloaded fits = GsoFrames.tcp(false, -1, 10_000, 1398, GsoFrames.TCP_ACK);
    assertThat(prepare(fits, 0, 1464)).isEqualTo(8);
    GsoFrames.Offloaded tooBig = GsoFrames.tcp(false, -1, 10_000, 1399, GsoFrames.TCP_ACK);
    assertThat(prepare(tooBig, 0, 1464)).isEqualTo(-1);
    assertThat(segmenter.refusal()).isEqualTo(TcpSegmenter.Refusal.SEGMENT_TOO_LONG);
  }

  @Test
  void udpGsoTypesAreRefusedAsUnsupported() {
    GsoFrames.Offloaded frame = GsoFrames.tcp(false, -1, 3000, 1000, GsoFrames.TCP_ACK);
    frame.header()[1] = VirtioNetHeader.GSO_UDP_L4;
    assertThat(prepare(frame, 0, NO_LIMIT)).isEqualTo(-1);
    assertThat(segmenter.refusal()).isEqualTo(TcpSegmenter.Refusal.UNSUPPORTED_GSO_TYPE);
    frame.header()[1] = VirtioNetHeader.GSO_UDP;
    assertThat(prepare(frame, 0, NO_LIMIT)).isEqualTo(-1);
    assertThat(segmenter.refusal()).isEqualTo(TcpSegmenter.Refusal.UNSUPPORTED_GSO_TYPE);
  }

  @Test
  void headersThatDoNotMatchTheFrameAreRefusedAsMalformed() {
    List<GsoFrames.Offloaded> malformed = new ArrayList<>();
    GsoFrames.Offloaded v6TypeOnV4 = GsoFrames.tcp(false, -1, 3000, 1000, GsoFrames.TCP_ACK);
    v6TypeOnV4.header()[1] = VirtioNetHeader.GSO_TCPV6;
    malformed.add(v6TypeOnV4);
    GsoFrames.Offloaded zeroSize = GsoFrames.tcp(false, -1, 3000, 0, GsoFrames.TCP_ACK);
    malformed.add(zeroSize);
    GsoFrames.Offloaded udp = GsoFrames.tcp(false, -1, 3000, 1000, GsoFrames.TCP_ACK);
    udp.frame()[14 + 9] = 17;
    malformed.add(udp);
    GsoFrames.Offloaded wrongStart = GsoFrames.tcp(false, -1, 3000, 1000, GsoFrames.TCP_ACK);
    wrongStart.header()[6] = 30;
    malformed.add(wrongStart);
    GsoFrames.Offloaded hugeIpHeader = GsoFrames.tcp(false, -1, 10, 1000, GsoFrames.TCP_ACK);
    hugeIpHeader.frame()[14] = 0x4f; // 60-byte IP header: the TCP header starts elsewhere
    malformed.add(hugeIpHeader);
    GsoFrames.Offloaded noPayload = GsoFrames.tcp(false, -1, 0, 1000, GsoFrames.TCP_ACK);
    malformed.add(noPayload);

    for (GsoFrames.Offloaded frame : malformed) {
      assertThat(prepare(frame, 0, NO_LIMIT)).isEqualTo(-1);
      assertThat(segmenter.refusal()).isEqualTo(TcpSegmenter.Refusal.MALFORMED_OFFLOAD_HEADER);
    }
  }

  @Test
  void aFrameTooShortForItsHeadersIsRefusedWithoutReadingPastIt() {
    GsoFrames.Offloaded frame = GsoFrames.tcp(false, -1, 0, 1000, GsoFrames.TCP_ACK);
    byte[] both = frame.headerAndFrame();
    MemorySegment exact = arena.allocate(both.length);
    MemorySegment.copy(both, 0, exact, ValueLayout.JAVA_BYTE, 0, both.length);
    assertThat(segmenter.prepare(exact, VirtioNetHeader.LENGTH, 30, 0, true, NO_LIMIT))
        .isEqualTo(-1);
    assertThat(segmenter.refusal()).isEqualTo(TcpSegmenter.Refusal.MALFORMED_OFFLOAD_HEADER);
  }
}
