package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import io.kvswitch.dataplane.port.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Cutting GSO frames, encapsulating the segments and sending them as UDP GSO runs with the real
 * {@code sendmmsg} batch allocates nothing per frame. The datagrams go to a loopback port nobody
 * listens on.
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
              batch);
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
