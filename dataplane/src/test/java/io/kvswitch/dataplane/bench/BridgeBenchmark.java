package io.kvswitch.dataplane.bench;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.VlanSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frames per second through a whole forwarding loop (receive callback, core, counters, per-port
 * transmit lock, tag push, flush) with ports that cost nothing. One operation is one frame; each
 * invocation is a batch of 64 from the ingress port.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class BridgeBenchmark {

  private static final int BATCH = 64;
  private Bridge accessToAccess;
  private Bridge accessToTrunk;

  @Setup(Level.Trial)
  public void setUp() {
    accessToAccess = bridge(PortVlanConfig.access(10));
    accessToTrunk = bridge(PortVlanConfig.trunk(VlanSet.of(10), 0));
  }

  private static Bridge bridge(PortVlanConfig egressVlans) {
    byte[] fromA = TestFrames.untagged("02:00:00:00:00:0b", "02:00:00:00:00:0a", 46);
    ReplayPort ingress = new ReplayPort("a", TestFrames.inNativeMemory(fromA, 0), fromA.length);
    ReplayPort egress = new ReplayPort("b", null, 0);
    Bridge bridge =
        Bridge.builder()
            .threads(1)
            .batchSize(BATCH)
            .addPort(ingress, PortVlanConfig.access(10))
            .addPort(egress, egressVlans)
            .build();
    // B is static behind the egress port, so A's frames are known unicast for the whole run.
    bridge.core().macTable().addStatic(10, 0x0200_0000_000bL, 1);
    return bridge;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    accessToAccess.close();
    accessToTrunk.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int accessToAccessKnownUnicast() {
    return accessToAccess.pollOnce();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int accessToTrunkKnownUnicastWithTagPush() {
    return accessToTrunk.pollOnce();
  }
}
