package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class VxlanHeaderTest {

  @Test
  void writesTheRfc7348HeaderByteForByteAtAnUnalignedOffset() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(3 + VxlanHeader.LENGTH);
      VxlanHeader.write(buffer, 3, 10_010);

      byte[] header = buffer.asSlice(3).toArray(ValueLayout.JAVA_BYTE);
      assertThat(header).containsExactly(0x08, 0x00, 0x00, 0x00, 0x00, 0x27, 0x1A, 0x00);
    }
  }

  @Test
  void theLargestVniFillsAll24Bits() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(VxlanHeader.LENGTH);
      VxlanHeader.write(buffer, 0, VxlanHeader.MAX_VNI);

      assertThat(buffer.toArray(ValueLayout.JAVA_BYTE))
          .containsExactly(0x08, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00);
    }
  }

  @Test
  void onlyTheIFlagAloneIsValidAndReservedBitsAroundTheVniAreIgnored() {
    assertThat(VxlanHeader.hasValidFlags(0x0800_0000)).isTrue();
    assertThat(VxlanHeader.hasValidFlags(0x0812_3456)).isTrue();
    assertThat(VxlanHeader.hasValidFlags(0x0000_0000)).isFalse();
    assertThat(VxlanHeader.hasValidFlags(0x0C00_0000)).isFalse();
    assertThat(VxlanHeader.hasValidFlags(0x8800_0000)).isFalse();
    assertThat(VxlanHeader.vni(0x00_271A_FF)).isEqualTo(10_010);
  }
}
