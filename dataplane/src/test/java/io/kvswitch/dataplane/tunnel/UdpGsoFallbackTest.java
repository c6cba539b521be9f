package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import io.kvswitch.dataplane.port.linux.Libc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What happens when the kernel refuses a UDP GSO send, with a real refusal: a socket with {@code
 * SO_NO_CHECK} sends UDP without checksums, which {@code udp_send_skb} cannot combine with {@code
 * UDP_SEGMENT} and refuses with {@code EINVAL}, while it still takes plain datagrams. The receiver
 * is a UDP socket on loopback, which accepts IPv4 datagrams without a checksum.
 */
class UdpGsoFallbackTest {

  private static final int SOL_SOCKET = 1;
  private static final int SO_NO_CHECK = 11;

  private DatagramChannel receiver;
  private int port;
  private int senderFd = -1;
  private SendmmsgDatagramBatch batch;

  @BeforeEach
  void open() throws IOException {
    receiver = DatagramChannel.open(StandardProtocolFamily.INET);
    receiver.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
    receiver.bind(new InetSocketAddress("127.0.0.1", 0));
    port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
    senderFd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    Libc.setsockoptInt(senderFd, SOL_SOCKET, SO_NO_CHECK, 1, "SO_NO_CHECK");
  }

  @AfterEach
  void close() throws IOException {
    if (batch != null) {
      batch.close();
    }
    Libc.close(senderFd);
    receiver.close();
  }

  private final long[] now = {0};

  private SendmmsgDatagramBatch batch(int slots) {
    batch =
        new SendmmsgDatagramBatch(
            senderFd, TunnelFixture.ipv4("127.0.0.1"), port, slots, 2048, () -> now[0]);
    return batch;
  }

  private void fill(int slot, int length, int seed) {
    MemorySegment at = batch.buffer().asSlice((long) slot * batch.slotSize(), length);
    for (int i = 0; i < length; i++) {
      at.set(ValueLayout.JAVA_BYTE, i, (byte) (seed * 31 + slot * 7 + i));
    }
  }

  private List<byte[]> slots(int[] lengths) {
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < lengths.length; i++) {
      expected.add(
          batch
              .buffer()
              .asSlice((long) i * batch.slotSize(), lengths[i])
              .toArray(ValueLayout.JAVA_BYTE));
    }
    return expected;
  }

  /**
   * The next {@code count} datagrams, oldest first, and then proof that no more are waiting: a
   * message sent twice or sent despite its refusal would show up as one too many.
   */
  private List<byte[]> receive(int count) throws IOException {
    List<byte[]> received = new ArrayList<>();
    DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
    receiver.socket().setSoTimeout(30_000);
    for (int i = 0; i < count; i++) {
      packet.setLength(65_536);
      receiver.socket().receive(packet);
      received.add(Arrays.copyOf(packet.getData(), packet.getLength()));
    }
    receiver.configureBlocking(false);
    assertThat(receiver.receive(ByteBuffer.allocate(65_536))).as("a datagram too many").isNull();
    receiver.configureBlocking(true);
    return received;
  }

  @Test
  void theKernelReallyRefusesUdpGsoOnThisSocketAndTakesSingleDatagrams() {
    // The premise of this class, checked with one raw message each way.
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment payload = arena.allocate(3000);
      MemorySegment address = arena.allocate(16);
      address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
      address.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >> 8));
      address.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
      address.set(ValueLayout.JAVA_INT, 4, 0x0100_007f); // 127.0.0.1 in network order
      MemorySegment iovec = arena.allocate(16);
      iovec.set(ValueLayout.ADDRESS, 0, payload);
      iovec.set(ValueLayout.JAVA_LONG, 8, 3000);
      MemorySegment control = arena.allocate(24);
      control.set(ValueLayout.JAVA_LONG, 0, 18);
      control.set(ValueLayout.JAVA_INT, 8, 17); // SOL_UDP
      control.set(ValueLayout.JAVA_INT, 12, 103); // UDP_SEGMENT
      control.set(ValueLayout.JAVA_SHORT, 16, (short) 1000);
      MemorySegment message = arena.allocate(64);
      message.set(ValueLayout.ADDRESS, 0, address);
      message.set(ValueLayout.JAVA_INT, 8, 16);
      message.set(ValueLayout.ADDRESS, 16, iovec);
      message.set(ValueLayout.JAVA_LONG, 24, 1);
      message.set(ValueLayout.ADDRESS, 32, control);
      message.set(ValueLayout.JAVA_LONG, 40, 24);

      assertThat(Libc.sendmmsg(senderFd, message, 1, Libc.MSG_DONTWAIT)).isEqualTo(-22);

      message.set(ValueLayout.JAVA_LONG, 32, 0);
      message.set(ValueLayout.JAVA_LONG, 40, 0);
      iovec.set(ValueLayout.JAVA_LONG, 8, 1000);
      assertThat(Libc.sendmmsg(senderFd, message, 1, Libc.MSG_DONTWAIT)).isEqualTo(1);
    }
  }

  @Test
  void aRefusedRunIsSentDatagramByDatagramInOrderAndTheFallbackHoldsForTheNextBatch()
      throws IOException {
    SendmmsgDatagramBatch batch = batch(16);
    // A single, a run of four, a single, a run of three: the first run is refused and everything
    // from it on goes one datagram per message, in the same call.
    int[] lengths = {100, 1400, 1400, 1400, 300, 77, 900, 900, 10};
    int[] runs = {1, 4, 0, 0, 0, 1, 3, 0, 0};

    sendAndCheck(lengths, runs, 1);

    assertThat(batch.segmentationOffload()).isFalse();
    assertThat(batch.gsoFallbacks()).isEqualTo(1);
    assertThat(batch.offloadedSends()).isZero();
    assertThat(batch.kernelRefusals()).as("the refusal is a fallback, not a lost message").isZero();

    // The next batch, within the retry time, does not try UDP GSO again: a refusal would count.
    sendAndCheck(new int[] {1200, 1200, 500, 64}, new int[] {3, 0, 0, 1}, 2);

    assertThat(batch.gsoFallbacks()).isEqualTo(1);
    assertThat(batch.kernelRefusals()).isZero();
  }

  @Test
  void udpGsoIsTriedAgainAfterTheRetryTimeAndComesBackWhenTheKernelTakesItAgain()
      throws IOException {
    SendmmsgDatagramBatch batch = batch(8);
    int[] lengths = {1000, 1000, 1000, 400};
    int[] runs = {4, 0, 0, 0};

    sendAndCheck(lengths, runs, 4);
    assertThat(batch.gsoFallbacks()).isEqualTo(1);

    // Still refused when it is tried again: one more turn, nothing lost.
    now[0] += SendmmsgDatagramBatch.GSO_RETRY_NANOS - 1;
    sendAndCheck(lengths, runs, 5);
    assertThat(batch.gsoFallbacks()).as("not tried again before the retry time").isEqualTo(1);
    now[0] += 1;
    sendAndCheck(lengths, runs, 6);
    assertThat(batch.gsoFallbacks()).isEqualTo(2);
    assertThat(batch.offloadedSends()).isZero();

    // The condition ends (as a route MTU raised again would): the next retry sends the run as one.
    Libc.setsockoptInt(senderFd, SOL_SOCKET, SO_NO_CHECK, 0, "SO_NO_CHECK");
    now[0] += SendmmsgDatagramBatch.GSO_RETRY_NANOS;
    sendAndCheck(lengths, runs, 7);
    assertThat(batch.segmentationOffload()).isTrue();
    assertThat(batch.offloadedSends()).isEqualTo(1);
    assertThat(batch.gsoFallbacks()).isEqualTo(2);
    assertThat(batch.kernelRefusals()).isZero();
  }

  private void sendAndCheck(int[] lengths, int[] runs, int seed) throws IOException {
    for (int i = 0; i < lengths.length; i++) {
      fill(i, lengths[i], seed);
    }
    List<byte[]> expected = slots(lengths);
    assertThat(batch.send(lengths, runs, lengths.length)).isEqualTo(lengths.length);
    List<byte[]> received = receive(lengths.length);
    for (int i = 0; i < lengths.length; i++) {
      assertThat(received.get(i)).as("datagram %d", i).isEqualTo(expected.get(i));
    }
  }

  @Test
  void aBatchThatStartsWithARefusedRunLosesNothing() throws IOException {
    SendmmsgDatagramBatch batch = batch(8);
    int[] lengths = {800, 800, 800, 800, 800, 800, 800, 120};
    int[] runs = {8, 0, 0, 0, 0, 0, 0, 0};

    sendAndCheck(lengths, runs, 3);

    assertThat(batch.gsoFallbacks()).isEqualTo(1);
  }

  @Test
  void aClosedBatchHasFreedItsMemory() {
    SendmmsgDatagramBatch batch = batch(8);
    int[] lengths = {500, 500};
    int[] runs = {2, 0};
    assertThat(batch.send(lengths, runs, 2)).isEqualTo(2);
    MemorySegment buffer = batch.buffer();

    batch.close();
    this.batch = null;

    assertThat(buffer.scope().isAlive()).isFalse();
    assertThatThrownBy(() -> buffer.get(ValueLayout.JAVA_BYTE, 0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aGsoFrameToAPeerWhoseRunsAreRefusedStillArrivesWholeAndIsCounted() throws IOException {
    SendmmsgDatagramBatch batch = batch(64);
    int maxInnerFrame = TunnelFixture.MAX_INNER_FRAME;
    VxlanPeerPort peer =
        new VxlanPeerPort(
            "node-b",
            TunnelFixture.ipv4("127.0.0.1"),
            VlanSet.parse("10"),
            TunnelFixture.VNI_BASE,
            maxInnerFrame,
            new FrameRing(16, maxInnerFrame + 4, Arena.ofAuto()),
            batch,
            null);
    GsoFrames.Offloaded frame =
        GsoFrames.tcp(false, 10, 65_000, 1398, GsoFrames.TCP_ACK | GsoFrames.TCP_PSH);
    MemorySegment buffer = MemorySegment.ofArray(frame.headerAndFrame());

    for (int round = 0; round < 2; round++) {
      assertThat(peer.transmitOffloaded(buffer, VirtioNetHeader.LENGTH, frame.frame().length))
          .isTrue();
      peer.flushTransmit();

      List<byte[]> datagrams = receive(47);
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      for (int i = 0; i < datagrams.size(); i++) {
        byte[] inner =
            Arrays.copyOfRange(datagrams.get(i), VxlanHeader.LENGTH, datagrams.get(i).length);
        GsoFrames.Segment segment = GsoFrames.read(inner);
        assertThat(segment.tcpChecksumValid()).isTrue();
        assertThat(segment.sequence()).isEqualTo(GsoFrames.SEQUENCE + 1398L * i);
        payload.writeBytes(segment.payload());
      }
      byte[] whole = payload.toByteArray();
      assertThat(whole).hasSize(65_000);
      for (int i = 0; i < whole.length; i++) {
        if (whole[i] != GsoFrames.payloadByte(i)) {
          throw new AssertionError("payload byte " + i + " differs in round " + round);
        }
      }
    }
    assertThat(peer.txDatagrams()).isEqualTo(94);
    assertThat(peer.txDropped()).isZero();
    assertThat(peer.txSegmentedFrames()).isEqualTo(2);
    assertThat(peer.txGsoFallbacks()).isEqualTo(1);
  }
}
