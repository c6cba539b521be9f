package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.frame.TcpSegmenter;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import io.kvswitch.dataplane.port.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tunnel port's offload work allocates nothing per frame: cutting GSO frames, encapsulating the
 * segments and sending them as UDP GSO runs with the real {@code sendmmsg} batch (to a loopback
 * port nobody listens on), and joining received segments back into GSO frames.
 */
class OffloadedTransmitAllocationTest {

  private static final int WARM_UP_FRAMES = 20_000;
  private static final int MEASURED_FRAMES = 5_000;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void sendingGsoFramesThroughTheTunnelPortAllocatesNothing() {
    GsoFrames.Offloaded gso = GsoFrames.tcp(false, 10, 65_000, 1398, GsoFrames.TCP_ACK);
    GsoFrames.Offloaded partial = GsoFrames.tcp(false, 10, 1000, 0, GsoFrames.TCP_ACK);
    partial.header()[1] = VirtioNetHeader.GSO_NONE;
    int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    int datagramSlot = (VxlanHeader.LENGTH + TunnelFixture.MAX_INNER_FRAME + 63) & ~63;
    try (Arena arena = Arena.ofConfined();
        SendmmsgDatagramBatch batch =
            new SendmmsgDatagramBatch(fd, TunnelFixture.ipv4("127.0.0.1"), 9, 64, datagramSlot)) {
      MemorySegment gsoFrame = copy(arena, gso);
      MemorySegment partialFrame = copy(arena, partial);
      VxlanPeerPort port =
          new VxlanPeerPort(
              "loopback",
              TunnelFixture.ipv4("127.0.0.1"),
              VlanSet.parse("10"),
              TunnelFixture.VNI_BASE,
              TunnelFixture.MAX_INNER_FRAME,
              new FrameRing(16, TunnelFixture.MAX_INNER_FRAME + 4, arena),
              batch,
              null);
      for (int i = 0; i < WARM_UP_FRAMES; i++) {
        sendBoth(port, gsoFrame, gso, partialFrame, partial);
      }
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < MEASURED_FRAMES; i++) {
        sendBoth(port, gsoFrame, gso, partialFrame, partial);
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

      long frames = WARM_UP_FRAMES + MEASURED_FRAMES;
      assertThat(port.txSegmentedFrames()).isEqualTo(frames);
      assertThat(port.txChecksumsFinished()).isEqualTo(frames);
      assertThat(batch.kernelRefusals()).isZero();
      assertThat(batch.segmentationOffload()).isTrue();
      assertThat(allocated)
          .as("bytes allocated sending %d GSO frames", MEASURED_FRAMES)
          .isLessThan(1_000);
    } finally {
      Libc.close(fd);
    }
  }

  /**
   * Frames of a peer that another peer's thread read go through the peer's ring: decapsulated into
   * it by the reading thread, drained and joined by the owning one. Both sides are measured here,
   * on one thread. ({@code VxlanReceiverTest} measures the direct path, from the socket.)
   */
  @Test
  void handingSegmentsOverThroughTheRingAndJoiningThemAllocatesNothing() {
    GsoFrames.Offloaded gso = GsoFrames.tcp(false, -1, 60_000, 1398, GsoFrames.TCP_ACK);
    MemorySegment input = MemorySegment.ofArray(gso.headerAndFrame());
    TcpSegmenter segmenter = new TcpSegmenter();
    int count =
        segmenter.prepare(input, VirtioNetHeader.LENGTH, gso.frame().length, 0, false, 9000);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment datagrams = arena.allocate((long) count * 2048, 64);
      int[] lengths = new int[count];
      for (int i = 0; i < count; i++) {
        long at = (long) i * 2048;
        VxlanHeader.write(datagrams, at, 10_010);
        lengths[i] = VxlanHeader.LENGTH + segmenter.write(i, datagrams, at + VxlanHeader.LENGTH);
      }
      VxlanPeerPort port =
          new VxlanPeerPort(
              "node-b",
              TunnelFixture.ipv4("198.18.0.2"),
              VlanSet.parse("10"),
              TunnelFixture.VNI_BASE,
              TunnelFixture.MAX_INNER_FRAME,
              new FrameRing(64, TunnelFixture.MAX_INNER_FRAME + 4, arena),
              new RecordingDatagramBatch(1, 64),
              null);
      VxlanDecapsulator decapsulator = new VxlanDecapsulator(TunnelFixture.VNI_BASE, List.of(port));
      int source = TunnelFixture.ipv4Int("198.18.0.2");
      long[] delivered = new long[1];
      FrameSink sink = (buffer, offset, length) -> delivered[0] += length;
      for (int i = 0; i < WARM_UP_FRAMES; i++) {
        receiveAll(decapsulator, source, datagrams, lengths, port, sink);
      }
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < MEASURED_FRAMES; i++) {
        receiveAll(decapsulator, source, datagrams, lengths, port, sink);
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

      assertThat(port.rxCoalescedFrames()).isEqualTo(WARM_UP_FRAMES + MEASURED_FRAMES);
      assertThat(allocated)
          .as("bytes allocated handing over and joining %d frames", MEASURED_FRAMES)
          .isLessThan(1_000);
    }
  }

  private static void receiveAll(
      VxlanDecapsulator decapsulator,
      int source,
      MemorySegment datagrams,
      int[] lengths,
      VxlanPeerPort port,
      FrameSink sink) {
    for (int i = 0; i < lengths.length; i++) {
      decapsulator.decapsulate(source, datagrams, (long) i * 2048, lengths[i]);
    }
    port.receiveBatch(sink, 64);
  }

  private static void sendBoth(
      VxlanPeerPort port,
      MemorySegment gsoFrame,
      GsoFrames.Offloaded gso,
      MemorySegment partialFrame,
      GsoFrames.Offloaded partial) {
    port.transmitOffloaded(gsoFrame, VirtioNetHeader.LENGTH, gso.frame().length);
    port.transmitOffloaded(partialFrame, VirtioNetHeader.LENGTH, partial.frame().length);
    port.flushTransmit();
  }

  private static MemorySegment copy(Arena arena, GsoFrames.Offloaded offloaded) {
    byte[] both = offloaded.headerAndFrame();
    MemorySegment segment = arena.allocate(both.length);
    MemorySegment.copy(both, 0, segment, ValueLayout.JAVA_BYTE, 0, both.length);
    return segment;
  }
}
