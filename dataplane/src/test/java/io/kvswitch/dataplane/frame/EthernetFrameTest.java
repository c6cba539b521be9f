package io.kvswitch.dataplane.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.TestFrames;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class EthernetFrameTest {

  @Test
  void readsHeaderFieldsAtAnUnalignedOffset() {
    byte[] frame = TestFrames.tagged("01:23:45:67:89:ab", "02:00:00:00:00:01", 5, 100, 10);
    MemorySegment segment = TestFrames.inNativeMemory(frame, 7);

    assertThat(EthernetFrame.destination(segment, 7)).isEqualTo(0x0123_4567_89abL);
    assertThat(EthernetFrame.source(segment, 7)).isEqualTo(0x0200_0000_0001L);
    assertThat(EthernetFrame.etherType(segment, 7)).isEqualTo(0x8100);
    assertThat(EthernetFrame.tci(segment, 7)).isEqualTo((5 << 13) | 100);
  }

  @Test
  void writesMacsBigEndian() {
    MemorySegment segment = TestFrames.inNativeMemory(new byte[14], 1);
    EthernetFrame.writeMac(segment, 2, 0xa1b2_c3d4_e5f6L);

    assertThat(segment.asSlice(2, 6).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
        .containsExactly(0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6);
    assertThat(EthernetFrame.readMac(segment, 2)).isEqualTo(0xa1b2_c3d4_e5f6L);
  }

  @Test
  void classifiesMacAddresses() {
    assertThat(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:01"))).isTrue();
    assertThat(MacAddress.isMulticast(MacAddress.BROADCAST)).isTrue();
    assertThat(MacAddress.isMulticast(MacAddress.parse("02:00:00:00:00:01"))).isFalse();
    assertThat(MacAddress.isLinkLocalControl(MacAddress.parse("01:80:c2:00:00:0e"))).isTrue();
    assertThat(MacAddress.isLinkLocalControl(MacAddress.parse("01:80:c2:00:00:10"))).isFalse();
  }

  @Test
  void parsesAndFormatsMacs() {
    assertThat(MacAddress.parse("AA-bb-CC-dd-EE-ff")).isEqualTo(0xaabb_ccdd_eeffL);
    assertThat(MacAddress.format(0x0a0b_0c0d_0e0fL)).isEqualTo("0a:0b:0c:0d:0e:0f");
    assertThatThrownBy(() -> MacAddress.parse("aa:bb:cc:dd:ee"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a MAC address (want aa:bb:cc:dd:ee:ff): aa:bb:cc:dd:ee");
    assertThatThrownBy(() -> MacAddress.parse("aa:bb:cc:dd:ee:gg"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
