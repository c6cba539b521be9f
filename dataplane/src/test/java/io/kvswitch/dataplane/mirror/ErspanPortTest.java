package io.kvswitch.dataplane.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.TestFrames;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErspanPortTest {

  private static final String A = "02:00:00:00:00:0a";
  private static final String B = "02:00:00:00:00:0b";

  /** Keeps what would have gone to the kernel. */
  private static final class CapturingSender implements GreSender {
    final List<byte[]> packets = new ArrayList<>();
    boolean accept = true;

    @Override
    public boolean send(MemorySegment packet, int length) {
      packets.add(packet.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
      return accept;
    }

    @Override
    public void close() {}
  }

  private final CapturingSender sender = new CapturingSender();

  private static boolean transmit(ErspanPort port, byte[] frame) {
    return port.transmit(TestFrames.inNativeMemory(frame, 7), 7, frame.length);
  }

  @Test
  void typeTwoCarriesGreWithSequenceNumbersAndTheSessionAndVlanOfTheFrame() {
    try (ErspanPort port =
        new ErspanPort(
            "erspan", new ErspanEncapsulation(ErspanEncapsulation.TYPE_II, 301), sender, 1500)) {
      byte[] untagged = TestFrames.untagged(B, A, 60);
      byte[] tagged = TestFrames.tagged(B, A, 5, 42, 60);
      assertThat(transmit(port, untagged)).isTrue();
      assertThat(transmit(port, tagged)).isTrue();

      ByteBuffer first = ByteBuffer.wrap(sender.packets.get(0));
      assertThat(first.getShort() & 0xFFFF).as("GRE flags: S").isEqualTo(0x1000);
      assertThat(first.getShort() & 0xFFFF).isEqualTo(0x88BE);
      assertThat(first.getInt()).as("sequence").isZero();
      int word = first.getInt();
      assertThat(word >>> 28).as("version 1").isEqualTo(1);
      assertThat(word >>> 16 & 0xFFF).as("untagged: VLAN 0").isZero();
      assertThat(word >>> 11 & 0b11).as("En: untagged").isZero();
      assertThat(word & 0x3FF).as("session").isEqualTo(301);
      assertThat(first.getInt()).as("index").isZero();
      assertThat(Arrays.copyOfRange(sender.packets.get(0), 16, 16 + untagged.length))
          .isEqualTo(untagged);
      assertThat(sender.packets.get(0)).hasSize(16 + untagged.length);

      ByteBuffer second = ByteBuffer.wrap(sender.packets.get(1));
      second.getInt();
      assertThat(second.getInt()).as("sequence").isOne();
      word = second.getInt();
      assertThat(word >>> 16 & 0xFFF).isEqualTo(42);
      assertThat(word >>> 13 & 0b111).as("COS from the PCP").isEqualTo(5);
      assertThat(word >>> 11 & 0b11).as("En: tag kept in the frame").isEqualTo(0b11);
      assertThat(Arrays.copyOfRange(sender.packets.get(1), 16, 16 + tagged.length))
          .isEqualTo(tagged);
    }
  }

  @Test
  void typeThreeHasATwelveByteHeaderWithATimestamp() {
    try (ErspanPort port =
        new ErspanPort(
            "erspan", new ErspanEncapsulation(ErspanEncapsulation.TYPE_III, 7), sender, 1500)) {
      long before = System.currentTimeMillis() * 10;
      byte[] frame = TestFrames.untagged(B, A, 60);
      transmit(port, frame);
      long after = System.currentTimeMillis() * 10;

      ByteBuffer packet = ByteBuffer.wrap(sender.packets.get(0));
      packet.getShort();
      assertThat(packet.getShort() & 0xFFFF).isEqualTo(0x22EB);
      packet.getInt();
      int word = packet.getInt();
      assertThat(word >>> 28).as("version 2").isEqualTo(2);
      assertThat(word & 0x3FF).isEqualTo(7);
      long timestamp = packet.getInt() & 0xFFFFFFFFL;
      assertThat(timestamp).isBetween(before & 0xFFFFFFFFL, after & 0xFFFFFFFFL);
      assertThat(packet.getInt()).as("SGT, frame type Ethernet, no subheader").isZero();
      assertThat(Arrays.copyOfRange(sender.packets.get(0), 20, 20 + frame.length)).isEqualTo(frame);
    }
  }

  @Test
  void aCopyTooBigForTheUnderlayOrRefusedByTheKernelIsNotSent() {
    try (ErspanPort port =
        new ErspanPort(
            "erspan", new ErspanEncapsulation(ErspanEncapsulation.TYPE_II, 1), sender, 600)) {
      assertThat(port.maxTransmitLength()).isEqualTo(600 - 20 - 16);
      assertThat(transmit(port, TestFrames.untagged(B, A, 600 - 20 - 16 - 14))).isTrue();
      assertThat(transmit(port, TestFrames.untagged(B, A, 600 - 20 - 16 - 13))).isFalse();
      assertThat(sender.packets).hasSize(1);
      sender.accept = false;
      assertThat(transmit(port, TestFrames.untagged(B, A, 10))).isFalse();
      assertThat(port.receiveBatch((b, o, l) -> {}, 64)).isZero();
    }
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new ErspanEncapsulation(3, 1)).hasMessageContaining("version");
    assertThatThrownBy(() -> new ErspanEncapsulation(1, 1024)).hasMessageContaining("0-1023");
  }
}
