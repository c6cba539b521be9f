package io.kvswitch.dataplane.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtioNetHeaderTest {

  /** A TCPv4 GSO header as the kernel writes it: csum at 34 + 16, headers 66 bytes, MSS 1448. */
  private static byte[] gsoHeader() {
    return new byte[] {1, 1, 66, 0, (byte) 0xa8, 5, 34, 0, 16, 0};
  }

  @Test
  void readsTheFieldsLittleEndian() {
    MemorySegment header = MemorySegment.ofArray(gsoHeader());
    assertThat(VirtioNetHeader.flags(header, 0)).isEqualTo(VirtioNetHeader.FLAG_NEEDS_CSUM);
    assertThat(VirtioNetHeader.gsoType(header, 0)).isEqualTo(VirtioNetHeader.GSO_TCPV4);
    assertThat(VirtioNetHeader.headerLength(header, 0)).isEqualTo(66);
    assertThat(VirtioNetHeader.gsoSize(header, 0)).isEqualTo(1448);
    assertThat(VirtioNetHeader.checksumStart(header, 0)).isEqualTo(34);
    assertThat(VirtioNetHeader.checksumOffset(header, 0)).isEqualTo(16);
    assertThat(VirtioNetHeader.isPlain(header, 0)).isFalse();
  }

  @Test
  void shiftingForAPushedTagMovesWhatCountsFromTheFrameStart() {
    MemorySegment header = MemorySegment.ofArray(gsoHeader());
    VirtioNetHeader.shiftOffsets(header, 0, 4);
    assertThat(VirtioNetHeader.checksumStart(header, 0)).isEqualTo(38);
    assertThat(VirtioNetHeader.headerLength(header, 0)).isEqualTo(70);
    assertThat(VirtioNetHeader.checksumOffset(header, 0)).isEqualTo(16);
    assertThat(VirtioNetHeader.gsoSize(header, 0)).isEqualTo(1448);
  }

  @Test
  void aPlainHeaderAsksForNothing() {
    MemorySegment header = MemorySegment.ofArray(gsoHeader());
    VirtioNetHeader.writePlain(header, 0);
    assertThat(header.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsOnly(0);
    assertThat(VirtioNetHeader.isPlain(header, 0)).isTrue();
  }

  @Test
  void aPortWithoutOffloadHeadersSendsPlainFramesAndRefusesOffloadedOnes() {
    RecordingPort port = new RecordingPort();
    byte[] plain = new byte[VirtioNetHeader.LENGTH + 60];
    byte[] gso = new byte[VirtioNetHeader.LENGTH + 60];
    System.arraycopy(gsoHeader(), 0, gso, 0, VirtioNetHeader.LENGTH);

    assertThat(port.transmitOffloaded(MemorySegment.ofArray(plain), VirtioNetHeader.LENGTH, 60))
        .isTrue();
    assertThat(port.transmitOffloaded(MemorySegment.ofArray(gso), VirtioNetHeader.LENGTH, 60))
        .isFalse();
    assertThat(port.lengths).containsExactly(60);
    assertThat(port.offloadHeaderLength()).isZero();
  }

  private static final class RecordingPort implements Port {
    final List<Integer> lengths = new ArrayList<>();

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public int receiveBatch(FrameSink sink, int maxFrames) {
      return 0;
    }

    @Override
    public boolean transmit(MemorySegment buffer, long offset, int length) {
      lengths.add(length);
      return true;
    }

    @Override
    public void flushTransmit() {}

    @Override
    public boolean isLinkUp() {
      return true;
    }

    @Override
    public int pollFd() {
      return -1;
    }

    @Override
    public void close() {}
  }
}
