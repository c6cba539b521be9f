package io.kvswitch.dataplane.bench;

import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.frame.TcpCoalescer;
import io.kvswitch.dataplane.frame.TcpSegmenter;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the tunnel does in software for a pod with offloads on: cutting one 64 KiB TCP GSO frame
 * (MSS 1398, 47 segments, full checksums) and joining the 47 segments back into one GSO frame. One
 * operation is one 64 KiB frame; multiply by 65,000 × 8 bits for the Gbit/s one core sustains. Run
 * with {@code -prof gc}: both should allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TcpOffloadBenchmark {

  private static final int SEGMENT_SLOT = 1536;

  private Arena arena;
  private MemorySegment gso;
  private int gsoLength;
  private MemorySegment segments;
  private int[] segmentLengths;
  private int segmentCount;
  private TcpSegmenter segmenter;
  private TcpCoalescer coalescer;
  private long delivered;
  private final FrameSink sink = (buffer, offset, length) -> delivered += length;

  @Setup(Level.Trial)
  public void setUp() {
    arena = Arena.ofShared();
    GsoFrames.Offloaded frame = GsoFrames.tcp(false, 10, 65_000, 1398, 0x10);
    byte[] both = frame.headerAndFrame();
    gso = arena.allocate(both.length, 64);
    MemorySegment.copy(both, 0, gso, ValueLayout.JAVA_BYTE, 0, both.length);
    gsoLength = frame.frame().length;
    segmenter = new TcpSegmenter();
    coalescer = new TcpCoalescer(arena);
    segmentCount = segmenter.prepare(gso, VirtioNetHeader.LENGTH, gsoLength, 4, false, 1500);
    segments = arena.allocate((long) segmentCount * SEGMENT_SLOT, 64);
    segmentLengths = new int[segmentCount];
    for (int i = 0; i < segmentCount; i++) {
      segmentLengths[i] =
          segmenter.write(i, segments, (long) i * SEGMENT_SLOT + VirtioNetHeader.LENGTH);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public int segment64KiB() {
    int count = segmenter.prepare(gso, VirtioNetHeader.LENGTH, gsoLength, 4, true, 1464);
    int bytes = 0;
    for (int i = 0; i < count; i++) {
      bytes += segmenter.write(i, segments, (long) (i % 4) * SEGMENT_SLOT);
    }
    return bytes;
  }

  @Benchmark
  public long coalesce64KiB() {
    for (int i = 0; i < segmentCount; i++) {
      coalescer.accept(
          segments, (long) i * SEGMENT_SLOT + VirtioNetHeader.LENGTH, segmentLengths[i], sink);
    }
    coalescer.flush(sink);
    return delivered;
  }
}
