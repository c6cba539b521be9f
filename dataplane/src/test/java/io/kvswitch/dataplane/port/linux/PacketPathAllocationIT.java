package io.kvswitch.dataplane.port.linux;

import static io.kvswitch.dataplane.port.linux.TestFrames.mac;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.linux.AfPacketOptions.RingVersion;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.Veth;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The packet path allocates nothing per frame: frames sent, flushed, received and handed to a sink,
 * on one thread, after warm-up, move the thread's allocation counter by (almost) nothing.
 */
@ExtendWith(NetworkLabExtension.class)
class PacketPathAllocationIT {

  private static final int WARM_UP_FRAMES = 100_000;
  private static final int MEASURED_FRAMES = 100_000;
  private static final int ROUNDS = 10;
  private static final int BATCH = 32;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @ParameterizedTest
  @EnumSource(RingVersion.class)
  void afPacketSendingAndReceivingAllocatesNothingPerFrame(
      RingVersion ringVersion, NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", "02:4b:56:00:03:02", "10.80.0.2/24");
    try (Arena arena = Arena.ofConfined();
        AfPacketPort sender = AfPacketPort.open(veth.hostName(), AfPacketOptions.defaults());
        AfPacketPort receiver =
            peer.call(
                () ->
                    AfPacketPort.open(
                        veth.peerName(),
                        AfPacketOptions.defaults().withRingVersion(ringVersion)))) {
      MemorySegment frame = frame(arena, "02:4b:56:00:03:02");
      assertThat(bytesAllocatedWhilePumping(sender, receiver, frame))
          .isLessThan(MEASURED_FRAMES / 100);
    }
  }

  @Test
  void tapSendingAndReceivingAllocatesNothingPerFrame(NetworkLab lab) {
    NetNamespace guest = lab.namespace("g");
    String name = lab.name("tap");
    try (Arena arena = Arena.ofConfined();
        TapPort tap = guest.call(() -> TapPort.open(name, true))) {
      guest.execOk("ip", "link", "set", name, "address", "02:4b:56:00:03:03");
      guest.execOk("ip", "link", "set", name, "up");
      try (AfPacketPort inside = AfPacketPortIT.openInside(guest, name, true)) {
        MemorySegment frame = frame(arena, "02:4b:56:00:03:03");
        assertThat(bytesAllocatedWhilePumping(tap, inside, frame))
            .isLessThan(MEASURED_FRAMES / 100);
        assertThat(bytesAllocatedWhilePumping(inside, tap, frame))
            .isLessThan(MEASURED_FRAMES / 100);
      }
    }
  }

  private static MemorySegment frame(Arena arena, String destination) {
    byte[] bytes = TestFrames.numbered(mac(destination), mac("02:4b:56:00:03:01"), 1, 60);
    MemorySegment frame = arena.allocate(bytes.length);
    MemorySegment.copy(MemorySegment.ofArray(bytes), 0, frame, 0, bytes.length);
    return frame;
  }

  /**
   * Bytes this thread allocated while {@link #MEASURED_FRAMES} frames went through, after warm-up.
   */
  private static long bytesAllocatedWhilePumping(Port sender, Port receiver, MemorySegment frame) {
    CountingSink sink = new CountingSink();
    pump(sender, receiver, frame, sink, WARM_UP_FRAMES);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    pump(sender, receiver, frame, sink, MEASURED_FRAMES);
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }

  /**
   * Sends a batch and receives what is waiting, over and over, until {@code frames} came; frames
   * the kernel drops when the receiver falls behind are simply made up for by later ones.
   */
  private static void pump(
      Port sender, Port receiver, MemorySegment frame, CountingSink sink, int frames) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    sink.count = 0;
    while (sink.count < frames && System.nanoTime() < deadline) {
      for (int i = 0; i < BATCH; i++) {
        sender.transmit(frame, 0, (int) frame.byteSize());
      }
      sender.flushTransmit();
      receiver.receiveBatch(sink, 256);
    }
    assertThat(sink.count).isGreaterThanOrEqualTo(frames);
  }

  private static final class CountingSink implements FrameSink {
    int count;

    @Override
    public void accept(MemorySegment buffer, long offset, int length) {
      count++;
    }
  }
}
