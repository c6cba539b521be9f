package io.kvswitch.dataplane.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

  @Test
  void wideSumsEqualTheWordByWordSumForEveryLengthAndStart() {
    Random random = new Random(42);
    byte[] bytes = new byte[600];
    random.nextBytes(bytes);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = arena.allocate(bytes.length);
      MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
      for (int from = 0; from < 9; from++) {
        for (int length = 0; length <= 520; length++) {
          assertThat(InternetChecksum.fold(InternetChecksum.add(0, segment, from, length)))
              .as("from %d, %d bytes", from, length)
              .isEqualTo(GsoFrames.fold(GsoFrames.sumWords(bytes, from, length)));
        }
      }
    }
  }

  @Test
  void allOnesDataFoldsToAllOnesAndFinishesToZero() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = arena.allocate(64);
      segment.fill((byte) 0xff);
      long sum = InternetChecksum.add(0, segment, 0, 64);
      assertThat(InternetChecksum.fold(sum)).isEqualTo(0xffff);
      assertThat(InternetChecksum.finish(sum)).isZero();
    }
  }

  @Test
  void theRfc1071ExampleSumsTo0xddf2() {
    // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
    byte[] bytes = {
      0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7
    };
    MemorySegment segment = MemorySegment.ofArray(bytes);
    assertThat(InternetChecksum.fold(InternetChecksum.add(0, segment, 0, 8))).isEqualTo(0xddf2);
  }

  @Test
  void aPartialChecksumIsCompletedFromItsStartToTheEnd() {
    GsoFrames.Offloaded offloaded = GsoFrames.tcp(false, -1, 333, 0, GsoFrames.TCP_ACK);
    byte[] frame = offloaded.frame();
    MemorySegment segment = MemorySegment.ofArray(frame);
    assertThat(InternetChecksum.completePartial(segment, 0, frame.length, 34, 50)).isTrue();
    assertThat(GsoFrames.read(frame).tcpChecksumValid()).isTrue();
    assertThat(InternetChecksum.completePartial(segment, 0, frame.length, 34, frame.length - 1))
        .isFalse();
    assertThat(InternetChecksum.completePartial(segment, 0, frame.length, 10, 26)).isFalse();
  }
}
