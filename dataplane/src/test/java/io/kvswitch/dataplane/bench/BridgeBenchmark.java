package io.kvswitch.dataplane.bench;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.mirror.MirrorRule;
import io.kvswitch.dataplane.mirror.MirrorStats;
import io.kvswitch.dataplane.mirror.TrafficFilter;
import java.util.List;
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
 *
 * <p>{@code accessToAccessKnownUnicast} against {@code ...Bare} is the in-process side of
 * forwarding.sh's kvswitch / kvswitch-bare line: the same frames with the ingress port learning
 * (VLAN 10) and with learning off on both ports (VLAN 1, static entries only).
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
  private Bridge bare;
  private Bridge accessToTrunk;
  private Bridge mirrored;

  @Setup(Level.Trial)
  public void setUp() {
    accessToAccess = bridge(PortVlanConfig.access(10));
    bare = bridge(1, PortVlanConfig.access(1));
    bare.core().setLearning(0, false);
    bare.core().setLearning(1, false);
    accessToTrunk = bridge(PortVlanConfig.trunk(VlanSet.of(10), 0));
    mirrored = bridge(PortVlanConfig.access(10));
    int tap =
        mirrored.addPort(
            new ReplayPort("tap", null, 0),
            PortVlanConfig.access(10),
            StormControlSettings.UNLIMITED);
    // Both directions of the session meet in each frame (received on a, sent on b): one copy,
    // after the filter looked into the IPv4 header, cut to 48 bytes (below the API's minimum of
    // 64, so that these 60-byte frames are cut).
    mirrored
        .core()
        .setMirrors(
            List.of(
                new MirrorRule(
                    tap,
                    new int[] {0},
                    new int[] {1},
                    new TrafficFilter(0, 0x0A00_0000, 8, new int[0]),
                    48,
                    1,
                    new MirrorStats("bench/span"))));
  }

  private static Bridge bridge(PortVlanConfig egressVlans) {
    return bridge(10, egressVlans);
  }

  private static Bridge bridge(int vlan, PortVlanConfig egressVlans) {
    byte[] fromA =
        TestFrames.ipv4(
            "02:00:00:00:00:0b", "02:00:00:00:00:0a", 17, "10.0.0.1", "10.0.0.2", 4000, 5000, 18);
    ReplayPort ingress = new ReplayPort("a", TestFrames.inNativeMemory(fromA, 0), fromA.length);
    ReplayPort egress = new ReplayPort("b", null, 0);
    Bridge bridge =
        Bridge.builder()
            .threads(1)
            .batchSize(BATCH)
            .addPort(ingress, PortVlanConfig.access(vlan))
            .addPort(egress, egressVlans)
            .build();
    // B is static behind the egress port, so A's frames are known unicast for the whole run.
    bridge.core().macTable().addStatic(vlan, 0x0200_0000_000bL, 1);
    return bridge;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    accessToAccess.close();
    bare.close();
    accessToTrunk.close();
    mirrored.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int accessToAccessKnownUnicast() {
    return accessToAccess.pollOnce();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int accessToAccessKnownUnicastBare() {
    return bare.pollOnce();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int accessToTrunkKnownUnicastWithTagPush() {
    return accessToTrunk.pollOnce();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int accessToAccessKnownUnicastMirroredWithFilterAndSnapLength() {
    return mirrored.pollOnce();
  }
}
