package io.kvswitch.dataplane.bench;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.ForwardingCore;
import io.kvswitch.dataplane.engine.ForwardingResult;
import io.kvswitch.dataplane.engine.MacTableSettings;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.EthernetFrame;
import io.kvswitch.dataplane.frame.VlanTagEditor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frames per second through the forwarding core alone (no I/O), one 64-byte frame per operation.
 * Ports 0-2 are access ports of VLAN 10, port 3 a trunk carrying VLANs 10 and 20. With {@code
 * dhcpPunt} the trunk is VLAN 10's DHCP server port, so every frame from the access ports is
 * checked for a DHCP request.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ForwardingCoreBenchmark {

  private static final String A = "02:00:00:00:00:0a";
  private static final String B = "02:00:00:00:00:0b";
  private static final String C = "02:00:00:00:00:0c";
  private static final int CHURN_STATIONS = 65_536;

  /** Whether VLAN 10 has a DHCP server port (the trunk), as in the agent with DHCP on. */
  @Param({"false", "true"})
  public boolean dhcpPunt;

  private long clock;
  private ForwardingCore core;
  private ForwardingCore smallTableCore;
  private final ForwardingResult result = new ForwardingResult(8);
  private MemorySegment unicastAtoB;
  private MemorySegment unicastAtoC;
  private MemorySegment broadcast;
  private MemorySegment churn;
  private MemorySegment udpAtoB;
  private MemorySegment dhcpRequestAtoB;
  private MemorySegment scratch;
  private int length;
  private int station;

  @Setup
  public void setUp() {
    core = newCore(MacTableSettings.DEFAULTS);
    smallTableCore = newCore(new MacTableSettings(4096, 4096, Duration.ofSeconds(300)));
    unicastAtoB = frame(TestFrames.untagged(B, A, 46));
    unicastAtoC = frame(TestFrames.untagged(C, A, 46));
    broadcast = frame(TestFrames.untagged("ff:ff:ff:ff:ff:ff", A, 46));
    churn = frame(TestFrames.untagged(B, A, 46));
    udpAtoB = frame(ipv4Udp(B, A, 5000, 6000));
    dhcpRequestAtoB = frame(ipv4Udp(B, A, 68, 67));
    scratch = Arena.ofAuto().allocate(2048);
    length = 60;
    // B sits behind access port 1, C behind the trunk.
    core.process(1, frame(TestFrames.untagged(A, B, 46)), 0, length, clock, result);
    core.process(3, frame(TestFrames.tagged(A, C, 10, 46)), 0, length + 4, clock, result);
    smallTableCore.process(1, frame(TestFrames.untagged(A, B, 46)), 0, length, clock, result);
  }

  private ForwardingCore newCore(MacTableSettings settings) {
    ForwardingCore created = new ForwardingCore(8, settings);
    for (int port = 0; port < 3; port++) {
      created.setPort(port, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
    }
    created.setPort(
        3, PortVlanConfig.trunk(VlanSet.parse("10,20"), 0), StormControlSettings.UNLIMITED);
    if (dhcpPunt) {
      created.setDhcpServerPort(3, VlanSet.of(10));
    }
    return created;
  }

  /** A 64-byte frame with a valid IPv4 header (no options) and a UDP header. */
  private static byte[] ipv4Udp(String destination, String source, int sourcePort, int port) {
    byte[] frame = TestFrames.untagged(destination, source, 46);
    ByteBuffer.wrap(frame)
        .position(14)
        .put((byte) 0x45)
        .put((byte) 0)
        .putShort((short) 46)
        .putInt(0)
        .put((byte) 64)
        .put((byte) 17)
        .putShort((short) 0)
        .putInt(0x0a000a64)
        .putInt(0x0a000a01)
        .putShort((short) sourcePort)
        .putShort((short) port)
        .putShort((short) 26)
        .putShort((short) 0);
    return frame;
  }

  private static MemorySegment frame(byte[] bytes) {
    return TestFrames.inNativeMemory(bytes, 0);
  }

  /** Access to access, destination learned: one output, no tag edit. */
  @Benchmark
  public int knownUnicast() {
    clock += 100;
    core.process(0, unicastAtoB, 0, length, clock, result);
    return result.outputCount();
  }

  /**
   * Access to access, destination learned, a whole IPv4/UDP header that is not DHCP: with {@code
   * dhcpPunt} every header field the punt reads is read.
   */
  @Benchmark
  public int knownUnicastIpv4Udp() {
    clock += 100;
    core.process(0, udpAtoB, 0, length, clock, result);
    return result.outputCount();
  }

  /**
   * A client's request unicast to a learned MAC (the router's): forwarded there, or with {@code
   * dhcpPunt} punted to the trunk.
   */
  @Benchmark
  public int dhcpRequestUnicast() {
    clock += 100;
    core.process(0, dhcpRequestAtoB, 0, length, clock, result);
    return result.port(0);
  }

  /** Access to trunk, destination learned, with the tag pushed into a scratch buffer. */
  @Benchmark
  public int knownUnicastWithTagPush() {
    clock += 100;
    core.process(0, unicastAtoC, 0, length, clock, result);
    return VlanTagEditor.write(
        result.tagEdit(0), result.egressVid(0), unicastAtoC, 0, length, scratch, 0);
  }

  /** Broadcast from an access port: three outputs (two access ports, one trunk). */
  @Benchmark
  public int flood() {
    clock += 100;
    core.process(0, broadcast, 0, length, clock, result);
    return result.outputCount();
  }

  /**
   * Every frame from a new source MAC, 65536 of them cycling through a 4096-entry table: each frame
   * learns an entry and evicts one (the write-locked path).
   */
  @Benchmark
  public int learningWithEviction() {
    clock += 100;
    station = (station + 1) & (CHURN_STATIONS - 1);
    EthernetFrame.writeMac(churn, EthernetFrame.SOURCE_OFFSET, 0x0200_0001_0000L + station);
    smallTableCore.process(0, churn, 0, length, clock, result);
    return result.outputCount();
  }
}
