package io.kvswitch.dataplane.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.frame.TagEdit;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OffloadedFramesTest {

  private static final String A = "02:00:00:00:00:0a";
  private static final String B = "02:00:00:00:00:0b";

  /**
   * TCPv4 GSO as the kernel writes it: csum from 34, field at +16, 54 bytes of headers, MSS 1448.
   */
  private static final byte[] GSO_UNTAGGED = {1, 1, 54, 0, (byte) 0xa8, 5, 34, 0, 16, 0};

  /** The same frame with an 802.1Q tag: everything that counts from the frame start 4 later. */
  private static final byte[] GSO_TAGGED = {1, 1, 58, 0, (byte) 0xa8, 5, 38, 0, 16, 0};

  private final Arena arena = Arena.ofConfined();

  @AfterEach
  void close() {
    arena.close();
  }

  @Test
  void pushingATagMovesChecksumStartAndHeaderLengthFourBytesBack() {
    byte[] frame = TestFrames.untagged(B, A, 100);

    byte[] written = edit(TagEdit.PUSH, 10, GSO_UNTAGGED, frame);

    assertThat(Arrays.copyOf(written, 10)).containsExactly(GSO_TAGGED);
    assertThat(Arrays.copyOfRange(written, 10, written.length))
        .containsExactly(TestFrames.tagged(B, A, 10, 100));
  }

  @Test
  void poppingATagMovesThemFourBytesForward() {
    byte[] frame = TestFrames.tagged(B, A, 20, 100);

    byte[] written = edit(TagEdit.POP, 0, GSO_TAGGED, frame);

    assertThat(Arrays.copyOf(written, 10)).containsExactly(GSO_UNTAGGED);
    assertThat(Arrays.copyOfRange(written, 10, written.length))
        .containsExactly(TestFrames.untagged(B, A, 100));
  }

  @Test
  void rewritingAPriorityTagLeavesTheHeaderAlone() {
    byte[] frame = TestFrames.tagged(B, A, 5, 0, 100);

    byte[] written = edit(TagEdit.REWRITE, 30, GSO_TAGGED, frame);

    assertThat(Arrays.copyOf(written, 10)).containsExactly(GSO_TAGGED);
    assertThat(Arrays.copyOfRange(written, 10, written.length))
        .containsExactly(TestFrames.tagged(B, A, 5, 30, 100));
  }

  @Test
  void aHeaderThatAsksForNothingStaysZeroThroughAPush() {
    byte[] plain = new byte[10];

    byte[] written = edit(TagEdit.PUSH, 10, plain, TestFrames.untagged(B, A, 46));

    assertThat(Arrays.copyOf(written, 10)).containsOnly(0);
  }

  @Test
  void checksumStartMovesOnlyWhenAChecksumIsAskedFor() {
    // DATA_VALID with a header length: the header length moves, the unused csum_start does not.
    byte[] header = {VirtioNetHeader.FLAG_DATA_VALID, 0, 54, 0, 0, 0, 34, 0, 16, 0};

    byte[] written = edit(TagEdit.PUSH, 10, header, TestFrames.untagged(B, A, 46));

    assertThat(Arrays.copyOf(written, 10))
        .containsExactly(VirtioNetHeader.FLAG_DATA_VALID, 0, 58, 0, 0, 0, 34, 0, 16, 0);
  }

  @Test
  void anEditThatDoesNotApplyWritesNothing() {
    MemorySegment source = withHeader(GSO_UNTAGGED, TestFrames.untagged(B, A, 46));
    MemorySegment target = arena.allocate(200);

    int written = OffloadedFrames.writeTagEdited(TagEdit.POP, 0, source, 10, 60, target, 10);

    assertThat(written).isEqualTo(-1);
    assertThat(target.toArray(ValueLayout.JAVA_BYTE)).containsOnly(0);
  }

  @Test
  void finishingTheChecksumGivesWhatTheReceiverVerifies() {
    for (int payload : new int[] {0, 1, 100, 1447}) {
      byte[] partial = TcpFrames.frame(B, A, payload, true);
      byte[] header = {1, 0, 0, 0, 0, 0, 34, 0, 16, 0};
      MemorySegment frame = withHeader(header, partial);

      assertThat(OffloadedFrames.finishChecksum(frame, 10, partial.length)).isTrue();

      byte[] finished =
          Arrays.copyOfRange(frame.toArray(ValueLayout.JAVA_BYTE), 10, 10 + partial.length);
      assertThat(finished)
          .as("payload %d", payload)
          .containsExactly(TcpFrames.frame(B, A, payload, false));
    }
  }

  @Test
  void aFrameWhoseHeaderAsksForNoChecksumIsLeftAlone() {
    byte[] frame = TcpFrames.frame(B, A, 10, true);
    MemorySegment segment = withHeader(new byte[10], frame);

    assertThat(OffloadedFrames.finishChecksum(segment, 10, frame.length)).isTrue();

    assertThat(Arrays.copyOfRange(segment.toArray(ValueLayout.JAVA_BYTE), 10, 10 + frame.length))
        .containsExactly(frame);
  }

  @Test
  void aChecksumFieldOutsideTheFrameIsRefused() {
    byte[] frame = TestFrames.untagged(B, A, 20);
    byte[] header = {1, 0, 0, 0, 0, 0, 30, 0, 16, 0};

    assertThat(OffloadedFrames.finishChecksum(withHeader(header, frame), 10, frame.length))
        .isFalse();
  }

  private byte[] edit(TagEdit edit, int vid, byte[] header, byte[] frame) {
    MemorySegment source = withHeader(header, frame);
    MemorySegment target = arena.allocate(frame.length + 64);
    int written = OffloadedFrames.writeTagEdited(edit, vid, source, 10, frame.length, target, 10);
    assertThat(written).isPositive();
    return Arrays.copyOf(target.toArray(ValueLayout.JAVA_BYTE), 10 + written);
  }

  private MemorySegment withHeader(byte[] header, byte[] frame) {
    MemorySegment segment = arena.allocate(10 + frame.length);
    MemorySegment.copy(header, 0, segment, ValueLayout.JAVA_BYTE, 0, 10);
    MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 10, frame.length);
    return segment;
  }
}
