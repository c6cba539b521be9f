package io.kvswitch.dataplane.bench;

import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import io.kvswitch.dataplane.tunnel.VxlanPeer;
import io.kvswitch.dataplane.tunnel.VxlanPeerPort;
import io.kvswitch.dataplane.tunnel.VxlanSettings;
import io.kvswitch.dataplane.tunnel.VxlanTunnel;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.List;
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
 * One 64 KiB TCP GSO frame (MSS 1398, 47 segments) across a VXLAN tunnel on loopback, on one
 * thread: node A's peer port cuts and encapsulates it and sends the segments as UDP GSO runs with
 * {@code sendmmsg}; node B's peer port reads each run whole ({@code recvmmsg}, {@code UDP_GRO}),
 * walks it in place and joins the segments back into one GSO frame. The kernel's loopback path is
 * included, so this is the tunnel's whole per-frame CPU cost, both ends. One operation is one 64
 * KiB frame; multiply by 65,000 × 8 bits for the Gbit/s one core sustains. Run with {@code -prof
 * gc}: nothing should be allocated per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class VxlanLoopbackBenchmark {

  private Arena arena;
  private VxlanTunnel nodeA;
  private VxlanTunnel nodeB;
  private VxlanPeerPort toB;
  private VxlanPeerPort fromA;
  private MemorySegment frame;
  private int frameLength;
  private long delivered;
  private final FrameSink sink = (buffer, offset, length) -> delivered++;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    arena = Arena.ofShared();
    GsoFrames.Offloaded gso = GsoFrames.tcp(false, 10, 65_000, 1398, 0x10);
    byte[] both = gso.headerAndFrame();
    frame = arena.allocate(both.length, 64);
    MemorySegment.copy(both, 0, frame, ValueLayout.JAVA_BYTE, 0, both.length);
    frameLength = gso.frame().length;
    int udpPort;
    try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET)) {
      probe.bind(new InetSocketAddress("127.0.0.1", 0));
      udpPort = ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
    nodeA = tunnel("127.0.0.1", udpPort, "node-b", "127.0.0.2");
    nodeB = tunnel("127.0.0.2", udpPort, "node-a", "127.0.0.1");
    toB = nodeA.ports().get(0);
    fromA = nodeB.ports().get(0);
  }

  private static VxlanTunnel tunnel(String local, int udpPort, String peerName, String peer)
      throws IOException {
    return VxlanTunnel.open(
        new VxlanSettings(
            ipv4(local),
            udpPort,
            10_000,
            1500,
            List.of(new VxlanPeer(peerName, ipv4(peer), VlanSet.of(10)))));
  }

  private static Inet4Address ipv4(String literal) {
    return (Inet4Address) InetAddress.ofLiteral(literal);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    nodeA.close();
    nodeB.close();
    arena.close();
  }

  @Benchmark
  public long gsoFrameAcrossTheTunnel() {
    toB.transmitOffloaded(frame, VirtioNetHeader.LENGTH, frameLength);
    toB.flushTransmit();
    long target = delivered + 1;
    // Loopback delivers within the send call; a run the socket buffer dropped would hang here,
    // which the 4 MiB buffer and one frame in flight rule out.
    while (delivered < target) {
      fromA.receiveBatch(sink, 64);
    }
    return delivered;
  }
}
