package io.kvswitch.dataplane.bench;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.mirror.ErspanEncapsulation;
import io.kvswitch.dataplane.mirror.ErspanPort;
import io.kvswitch.dataplane.mirror.RawGreSocket;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
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
 * One mirror copy per operation through an {@link ErspanPort}: ERSPAN type III encapsulation and a
 * real {@code sendmmsg} on a raw GRE socket to 127.0.0.1 (needs root), so the rate is the kernel's
 * per-packet cost plus the encapsulation, and the allocation figure covers the FFM call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ErspanBenchmark {

  private ErspanPort port;
  private MemorySegment frame;
  private int length;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Inet4Address loopback = (Inet4Address) InetAddress.getByName("127.0.0.1");
    port =
        new ErspanPort(
            "erspan",
            new ErspanEncapsulation(ErspanEncapsulation.TYPE_III, 1),
            new RawGreSocket(loopback),
            1500);
    byte[] bytes = TestFrames.untagged("02:00:00:00:00:0b", "02:00:00:00:00:0a", 46);
    frame = TestFrames.inNativeMemory(bytes, 0);
    length = bytes.length;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    port.close();
  }

  @Benchmark
  public boolean erspanCopyToLoopback() {
    return port.transmit(frame, 0, length);
  }
}
