package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receive path from the socket: two tunnels on loopback (127.0.0.1 and 127.0.0.2, one UDP
 * port), node A sending with its real send batch, node B's peer port reading with {@code recvmmsg}
 * and walking each read in place. Stray datagrams come from plain sockets on other loopback
 * addresses.
 */
class VxlanReceiverTest {

  private static final String A = "127.0.0.1";
  private static final String B = "127.0.0.2";
  private static final String C = "127.0.0.3";

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private int udpPort;
  private VxlanTunnel nodeA;
  private VxlanTunnel nodeB;
  private final List<DatagramChannel> strays = new ArrayList<>();

  @BeforeEach
  void open() throws IOException {
    try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET)) {
      probe.bind(new InetSocketAddress(A, 0));
      udpPort = ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
    nodeA = tunnel(A, new VxlanPeer("node-b", TunnelFixture.ipv4(B), VlanSet.of(10)));
    nodeB =
        tunnel(
            B,
            new VxlanPeer("node-a", TunnelFixture.ipv4(A), VlanSet.of(10)),
            new VxlanPeer("node-c", TunnelFixture.ipv4(C), VlanSet.of(10)));
  }

  private VxlanTunnel tunnel(String address, VxlanPeer... peers) throws IOException {
    return VxlanTunnel.open(
        new VxlanSettings(
            TunnelFixture.ipv4(address), udpPort, TunnelFixture.VNI_BASE, 1500, List.of(peers)));
  }

  @AfterEach
  void close() throws IOException {
    nodeA.close();
    nodeB.close();
    for (DatagramChannel stray : strays) {
      stray.close();
    }
  }

  @Test
  void aGsoFrameSentAsOneRunIsReadWholeAndReachesTheSwitchAsOneJoinedFrame() {
    GsoFrames.Offloaded original = GsoFrames.tcp(false, 10, 30_000, 1398, GsoFrames.TCP_ACK);
    MemorySegment frame = MemorySegment.ofArray(original.headerAndFrame());
    VxlanPeerPort toB = nodeA.ports().get(0);
    VxlanPeerPort fromA = nodeB.ports().get(0);

    assertThat(toB.transmitOffloaded(frame, VirtioNetHeader.LENGTH, original.frame().length))
        .isTrue();
    toB.flushTransmit();
    List<byte[]> received = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> collect(fromA, received) > 0 && nodeB.rxDecapsulated() == 22);

    assertThat(received).hasSize(1);
    byte[] header = Arrays.copyOf(received.get(0), VirtioNetHeader.LENGTH);
    byte[] joined =
        Arrays.copyOfRange(received.get(0), VirtioNetHeader.LENGTH, received.get(0).length);
    assertThat(header).isEqualTo(original.header());
    assertThat(joined).hasSameSizeAs(original.frame());
    assertThat(Arrays.copyOfRange(joined, 70, joined.length))
        .isEqualTo(Arrays.copyOfRange(original.frame(), 70, joined.length));
    assertThat(fromA.rxCoalescedSegments()).isEqualTo(22);
    // 30,000 bytes at 1398 a segment: one UDP GSO run of 22 datagrams, read in one piece.
    assertThat(nodeB.receiver().coalescedReads()).isEqualTo(1);
    assertThat(nodeB.receiver().reads()).isEqualTo(1);
  }

  @Test
  void strayDatagramsAreCountedByReasonAndTheGoodOnesStillArrive() throws IOException {
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 46);
    VxlanPeerPort fromA = nodeB.ports().get(0);

    sendFrom(A, new byte[] {0x08, 0, 0});
    sendFrom(A, concat(TunnelFixture.header(0x08, 10_020), inner));
    sendFrom(A, concat(TunnelFixture.header(0x0C, 10_010), inner));
    sendFrom("127.0.0.9", concat(TunnelFixture.header(0x08, 10_010), inner));
    sendFrom(A, concat(TunnelFixture.header(0x08, 10_010), inner));
    List<byte[]> received = new ArrayList<>();
    await().atMost(Duration.ofSeconds(5)).until(() -> collect(fromA, received) > 0);

    byte[] expected = new byte[VirtioNetHeader.LENGTH + inner.length + 4];
    byte[] tagged = TestFrames.tagged("02:00:00:00:00:01", "02:00:00:00:00:02", 10, 46);
    System.arraycopy(tagged, 0, expected, VirtioNetHeader.LENGTH, tagged.length);
    assertThat(received).containsExactly(expected);
    assertThat(nodeB.rxDrops(VxlanRxDrop.TRUNCATED)).isEqualTo(1);
    assertThat(nodeB.rxDrops(VxlanRxDrop.UNKNOWN_VNI)).isEqualTo(1);
    assertThat(nodeB.rxDrops(VxlanRxDrop.BAD_FLAGS)).isEqualTo(1);
    assertThat(nodeB.rxDrops(VxlanRxDrop.UNKNOWN_PEER)).isEqualTo(1);
    assertThat(nodeB.rxDecapsulated()).isEqualTo(1);
  }

  @Test
  void anotherPeersFramesReadByThisPortWaitInThatPeersRingAndComeBeforeItsLaterOnes()
      throws IOException {
    byte[] first = TestFrames.untagged("02:00:00:00:00:0c", "02:00:00:00:00:02", 46);
    byte[] second = TestFrames.untagged("02:00:00:00:00:0d", "02:00:00:00:00:02", 46);
    VxlanPeerPort fromA = nodeB.ports().get(0);
    VxlanPeerPort fromC = nodeB.ports().get(1);
    int[] wakeups = new int[1];
    fromC.setReceiveWakeup(() -> wakeups[0]++);

    sendFrom(C, concat(TunnelFixture.header(0x08, 10_010), first));
    List<byte[]> readByA = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              collect(fromA, readByA);
              return nodeB.rxDecapsulated() == 1;
            });

    assertThat(readByA).isEmpty();
    assertThat(wakeups[0]).isEqualTo(1);
    assertThat(fromC.inbound().size()).isEqualTo(1);
    // C's own thread then reads a later frame of C straight from the socket: the one waiting in
    // its ring goes first.
    sendFrom(C, concat(TunnelFixture.header(0x08, 10_010), second));
    List<byte[]> readByC = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              collect(fromC, readByC);
              return readByC.size() == 2;
            });
    assertThat(readByC)
        .extracting(frame -> frame[VirtioNetHeader.LENGTH + 5])
        .containsExactly((byte) 0x0c, (byte) 0x0d);
    assertThat(wakeups[0]).isEqualTo(1);
  }

  @Test
  void aSwitchThatThrowsMidReadStillLetsTheOtherPeerBeWokenAndCountsWhatWasNotWalked()
      throws IOException {
    byte[] fromCFrame = TestFrames.untagged("02:00:00:00:00:0c", "02:00:00:00:00:02", 46);
    byte[] fromAFrame = TestFrames.untagged("02:00:00:00:00:0a", "02:00:00:00:00:02", 46);
    VxlanPeerPort fromA = nodeB.ports().get(0);
    VxlanPeerPort fromC = nodeB.ports().get(1);
    int[] wakeups = new int[1];
    fromC.setReceiveWakeup(() -> wakeups[0]++);
    // Loopback delivers within the send call, so both wait in the socket for one read.
    sendFrom(C, concat(TunnelFixture.header(0x08, 10_010), fromCFrame));
    sendFrom(A, concat(TunnelFixture.header(0x08, 10_010), fromAFrame));

    FrameSink failing =
        (buffer, offset, length) -> {
          throw new IllegalStateException("switch failed");
        };
    assertThatThrownBy(() -> fromA.receiveBatch(failing, 64))
        .isInstanceOf(IllegalStateException.class);

    assertThat(nodeB.receiver().reads()).isEqualTo(2);
    assertThat(wakeups[0]).isEqualTo(1);
    assertThat(fromC.inbound().size()).isEqualTo(1);
    assertThat(nodeB.rxDrops(VxlanRxDrop.READ_ABANDONED)).isEqualTo(1);
    List<byte[]> readByC = new ArrayList<>();
    assertThat(collect(fromC, readByC)).isEqualTo(1);
    assertThat(readByC.getFirst()[VirtioNetHeader.LENGTH + 5]).isEqualTo((byte) 0x0c);
  }

  @Test
  void readingRunsFromTheSocketAndJoiningThemAllocatesNothing() {
    GsoFrames.Offloaded original = GsoFrames.tcp(false, 10, 60_000, 1398, GsoFrames.TCP_ACK);
    VxlanPeerPort toB = nodeA.ports().get(0);
    VxlanPeerPort fromA = nodeB.ports().get(0);
    try (Arena arena = Arena.ofConfined()) {
      byte[] bytes = original.headerAndFrame();
      MemorySegment frame = arena.allocate(bytes.length);
      MemorySegment.copy(bytes, 0, frame, ValueLayout.JAVA_BYTE, 0, bytes.length);
      long[] delivered = new long[1];
      FrameSink sink = (buffer, offset, length) -> delivered[0]++;
      for (int i = 0; i < 5_000; i++) {
        sendAndReceive(toB, frame, original.frame().length, fromA, sink, delivered);
      }
      long allocated = 0;
      int measured = 2_000;
      for (int i = 0; i < measured; i++) {
        toB.transmitOffloaded(frame, VirtioNetHeader.LENGTH, original.frame().length);
        toB.flushTransmit();
        long target = delivered[0] + 1;
        while (delivered[0] < target) {
          long before = THREADS.getCurrentThreadAllocatedBytes();
          fromA.receiveBatch(sink, 64);
          allocated += THREADS.getCurrentThreadAllocatedBytes() - before;
        }
      }

      assertThat(nodeB.receiver().coalescedReads()).isGreaterThanOrEqualTo(measured);
      assertThat(allocated)
          .as("bytes allocated reading and joining %d runs of 43 datagrams", measured)
          .isLessThan(1_000);
    }
  }

  private static void sendAndReceive(
      VxlanPeerPort sender,
      MemorySegment frame,
      int length,
      VxlanPeerPort receiver,
      FrameSink sink,
      long[] delivered) {
    sender.transmitOffloaded(frame, VirtioNetHeader.LENGTH, length);
    sender.flushTransmit();
    long target = delivered[0] + 1;
    while (delivered[0] < target) {
      receiver.receiveBatch(sink, 64);
    }
  }

  /** Receives what is waiting on {@code port}, header and frame; returns how many came. */
  private static int collect(VxlanPeerPort port, List<byte[]> into) {
    int before = into.size();
    port.receiveBatch(
        (buffer, offset, length) ->
            into.add(
                buffer
                    .asSlice(offset - VirtioNetHeader.LENGTH, VirtioNetHeader.LENGTH + length)
                    .toArray(ValueLayout.JAVA_BYTE)),
        64);
    return into.size() - before;
  }

  private void sendFrom(String address, byte[] datagram) throws IOException {
    DatagramChannel stray = DatagramChannel.open(StandardProtocolFamily.INET);
    strays.add(stray);
    stray.bind(new InetSocketAddress(address, 0));
    stray.send(ByteBuffer.wrap(datagram), new InetSocketAddress(B, udpPort));
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
