package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.frame.TcpSegmenter;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import io.kvswitch.dataplane.port.linux.Libc;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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

  @Test
  void receivingAndJoiningSegmentsAllocatesNothing() {
    GsoFrames.Offloaded gso = GsoFrames.tcp(false, -1, 60_000, 1398, GsoFrames.TCP_ACK);
    MemorySegment input = MemorySegment.ofArray(gso.headerAndFrame());
    TcpSegmenter segmenter = new TcpSegmenter();
    int count =
        segmenter.prepare(input, VirtioNetHeader.LENGTH, gso.frame().length, 0, false, 9000);
    MemorySegment output = MemorySegment.ofArray(new byte[9000]);
    List<ByteBuf> datagrams = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int length = segmenter.write(i, output, 0);
      // Wrapped, not from an allocator: the tests' paranoid leak detection records every access to
      // allocator buffers, which allocates; netty's own pooled buffers in production do not.
      ByteBuf datagram =
          Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(VxlanHeader.LENGTH + length)).clear();
      datagram.writeBytes(new byte[] {0x08, 0, 0, 0, 0, 0x27, 0x1a, 0}); // VNI 10010
      datagram.writeBytes(output.asSlice(0, length).asByteBuffer());
      datagrams.add(datagram);
    }
    try (Arena arena = Arena.ofConfined()) {
      VxlanPeerPort port =
          new VxlanPeerPort(
              "node-b",
              TunnelFixture.ipv4("198.18.0.2"),
              VlanSet.parse("10"),
              TunnelFixture.VNI_BASE,
              TunnelFixture.MAX_INNER_FRAME,
              new FrameRing(64, TunnelFixture.MAX_INNER_FRAME + 4, arena),
              new RecordingDatagramBatch(1, 64));
      VxlanDecapsulator decapsulator = new VxlanDecapsulator(TunnelFixture.VNI_BASE, List.of(port));
      int source = TunnelFixture.ipv4Int("198.18.0.2");
      long[] delivered = new long[1];
      FrameSink sink = (buffer, offset, length) -> delivered[0] += length;
      for (int i = 0; i < WARM_UP_FRAMES; i++) {
        receiveAll(decapsulator, source, datagrams, port, sink);
      }
      // Only the forwarding thread's side is measured: how much netty's buffers allocate while
      // the event loop copies from them depends on which buffer classes the JVM has seen.
      long allocated = 0;
      for (int i = 0; i < MEASURED_FRAMES; i++) {
        for (int j = 0; j < datagrams.size(); j++) {
          decapsulator.decapsulate(source, datagrams.get(j));
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        port.receiveBatch(sink, 64);
        allocated += THREADS.getCurrentThreadAllocatedBytes() - before;
      }

      assertThat(port.rxCoalescedFrames()).isEqualTo(WARM_UP_FRAMES + MEASURED_FRAMES);
      assertThat(allocated)
          .as("bytes allocated receiving and joining %d frames", MEASURED_FRAMES)
          .isLessThan(1_000);
    } finally {
      datagrams.forEach(ByteBuf::release);
    }
  }

  private static void receiveAll(
      VxlanDecapsulator decapsulator,
      int source,
      List<ByteBuf> datagrams,
      VxlanPeerPort port,
      FrameSink sink) {
    for (int i = 0; i < datagrams.size(); i++) {
      decapsulator.decapsulate(source, datagrams.get(i));
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
