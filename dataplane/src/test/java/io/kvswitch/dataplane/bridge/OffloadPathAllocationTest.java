package io.kvswitch.dataplane.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.FakeClock;
import io.kvswitch.dataplane.engine.ForwardingCore;
import io.kvswitch.dataplane.engine.MacTableSettings;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Forwarding frames that carry offload headers allocates nothing: passed on whole, tag pushed with
 * the header shifted, and checksum finished for a port without headers.
 */
class OffloadPathAllocationTest {

  private static final int WARM_UP_ROUNDS = 2_000;
  private static final int MEASURED_ROUNDS = 2_000;
  private static final int BATCH = 64;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void forwardingOffloadedFramesAllocatesNothing() {
    byte[] frame = TcpFrames.frame("02:00:00:00:00:99", "02:00:00:00:00:0a", 1000, true);
    byte[] header = {1, 0, 0, 0, 0, 0, 34, 0, 16, 0};
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment memory = arena.allocate(VirtioNetHeader.LENGTH + frame.length);
      MemorySegment.copy(header, 0, memory, ValueLayout.JAVA_BYTE, 0, header.length);
      MemorySegment.copy(frame, 0, memory, ValueLayout.JAVA_BYTE, 10, frame.length);
      CountingPort source = new CountingPort("source", memory, frame.length, 10);
      CountingPort withHeader = new CountingPort("with-header", null, 0, 10);
      CountingPort trunk = new CountingPort("trunk", null, 0, 10);
      CountingPort plain = new CountingPort("plain", null, 0, 0);
      Port[] ports = {source, withHeader, trunk, plain};
      ForwardingCore core = new ForwardingCore(ports.length, MacTableSettings.DEFAULTS);
      core.setPort(0, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
      core.setPort(1, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
      core.setPort(2, PortVlanConfig.trunk(VlanSet.parse("10"), 0), StormControlSettings.UNLIMITED);
      core.setPort(3, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
      TransmitLock[] locks = new TransmitLock[ports.length];
      for (int i = 0; i < locks.length; i++) {
        locks[i] = new TransmitLock();
      }
      // The worker itself, polled as its thread polls it (Bridge.pollOnce adds a list iteration
      // per round that the forwarding threads never do).
      ForwardingWorker worker =
          new ForwardingWorker(
              core, ports, locks, BATCH, true, new FakeClock(), arena.allocate(65_536 + 256, 64));
      worker.own(0);
      for (int i = 0; i < WARM_UP_ROUNDS; i++) {
        worker.pollOnce();
      }
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < MEASURED_ROUNDS; i++) {
        worker.pollOnce();
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

      long frames = (long) (WARM_UP_ROUNDS + MEASURED_ROUNDS) * BATCH;
      assertThat(withHeader.offloaded).isEqualTo(frames);
      assertThat(trunk.offloaded).isEqualTo(frames);
      assertThat(plain.plain).isEqualTo(frames);
      assertThat(allocated)
          .as("bytes allocated forwarding %d frames", (long) MEASURED_ROUNDS * BATCH)
          .isLessThan(1_000);
    }
  }

  @Test
  void cuttingGsoFramesForAPortWithoutHeadersAllocatesNothing() {
    // 20,000 bytes at MSS 1448: 14 segments per frame.
    byte[] frame = TcpFrames.frame("02:00:00:00:00:99", "02:00:00:00:00:0a", 20_000, true);
    byte[] header = {1, 1, 54, 0, (byte) 0xa8, 5, 34, 0, 16, 0};
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment memory = arena.allocate(VirtioNetHeader.LENGTH + frame.length);
      MemorySegment.copy(header, 0, memory, ValueLayout.JAVA_BYTE, 0, header.length);
      MemorySegment.copy(frame, 0, memory, ValueLayout.JAVA_BYTE, 10, frame.length);
      CountingPort source = new CountingPort("source", memory, frame.length, 10);
      CountingPort trunk = new CountingPort("trunk", null, 0, 0);
      Port[] ports = {source, trunk};
      ForwardingCore core = new ForwardingCore(ports.length, MacTableSettings.DEFAULTS);
      core.setPort(0, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
      core.setPort(1, PortVlanConfig.trunk(VlanSet.parse("10"), 0), StormControlSettings.UNLIMITED);
      TransmitLock[] locks = {new TransmitLock(), new TransmitLock()};
      ForwardingWorker worker =
          new ForwardingWorker(
              core,
              ports,
              locks,
              8,
              true,
              new FakeClock(),
              arena.allocate(ForwardingWorker.SCRATCH_BYTES, 64));
      worker.own(0);
      for (int i = 0; i < WARM_UP_ROUNDS; i++) {
        worker.pollOnce();
      }
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < MEASURED_ROUNDS; i++) {
        worker.pollOnce();
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

      assertThat(trunk.plain).isEqualTo((long) (WARM_UP_ROUNDS + MEASURED_ROUNDS) * 8 * 14);
      assertThat(allocated)
          .as("bytes allocated cutting %d GSO frames", (long) MEASURED_ROUNDS * 8)
          .isLessThan(1_000);
    }
  }

  /** Replays one frame with its header, or counts what it is sent; allocates nothing. */
  private static final class CountingPort implements Port {
    private final String name;
    private final MemorySegment frame;
    private final int length;
    private final int headerLength;
    long plain;
    long offloaded;

    CountingPort(String name, MemorySegment frame, int length, int headerLength) {
      this.name = name;
      this.frame = frame;
      this.length = length;
      this.headerLength = headerLength;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int receiveBatch(FrameSink sink, int maxFrames) {
      if (frame == null) {
        return 0;
      }
      for (int i = 0; i < maxFrames; i++) {
        sink.accept(frame, headerLength, length);
      }
      return maxFrames;
    }

    @Override
    public boolean transmit(MemorySegment buffer, long offset, int length) {
      plain++;
      return true;
    }

    @Override
    public int offloadHeaderLength() {
      return headerLength;
    }

    @Override
    public boolean transmitOffloaded(MemorySegment buffer, long offset, int length) {
      offloaded++;
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
