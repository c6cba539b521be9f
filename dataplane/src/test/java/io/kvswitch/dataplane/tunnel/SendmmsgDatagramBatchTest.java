package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.port.linux.Libc;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batch's native messages, checked by what a UDP socket on loopback receives: single datagrams
 * and runs sent with {@code UDP_SEGMENT} arrive as the same datagrams, in order.
 */
class SendmmsgDatagramBatchTest {

  private DatagramChannel receiver;
  private int senderFd = -1;
  private SendmmsgDatagramBatch batch;

  @BeforeEach
  void open() throws IOException {
    receiver = DatagramChannel.open(StandardProtocolFamily.INET);
    receiver.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
    receiver.bind(new InetSocketAddress("127.0.0.1", 0));
    senderFd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
    batch = new SendmmsgDatagramBatch(senderFd, TunnelFixture.ipv4("127.0.0.1"), port, 16, 2048);
  }

  @AfterEach
  void close() throws IOException {
    batch.close();
    Libc.close(senderFd);
    receiver.close();
  }

  private void fill(int slot, int length) {
    MemorySegment at = batch.buffer().asSlice((long) slot * batch.slotSize(), length);
    for (int i = 0; i < length; i++) {
      at.set(ValueLayout.JAVA_BYTE, i, (byte) (slot * 31 + i));
    }
  }

  private List<byte[]> receive(int count) throws IOException {
    List<byte[]> received = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.allocate(65_536);
    for (int i = 0; i < count; i++) {
      buffer.clear();
      receiver.receive(buffer);
      buffer.flip();
      byte[] datagram = new byte[buffer.remaining()];
      buffer.get(datagram);
      received.add(datagram);
    }
    return received;
  }

  private byte[] slot(int slot, int length) {
    return batch
        .buffer()
        .asSlice((long) slot * batch.slotSize(), length)
        .toArray(ValueLayout.JAVA_BYTE);
  }

  @Test
  void singlesAndRunsArriveAsTheDatagramsTheyWere() throws IOException {
    // A single, a run of four (three of 1400, one of 300), and another single.
    int[] lengths = {100, 1400, 1400, 1400, 300, 77};
    int[] runs = {1, 4, 0, 0, 0, 1};
    for (int i = 0; i < lengths.length; i++) {
      fill(i, lengths[i]);
    }
    List<byte[]> expected = new ArrayList<>();
    for (int i = 0; i < lengths.length; i++) {
      expected.add(slot(i, lengths[i]));
    }

    assertThat(batch.send(lengths, runs, lengths.length)).isEqualTo(6);

    List<byte[]> received = receive(6);
    for (int i = 0; i < 6; i++) {
      assertThat(received.get(i)).as("datagram %d", i).isEqualTo(expected.get(i));
    }
    assertThat(batch.segmentationOffload()).isTrue();
    assertThat(batch.offloadedSends()).isEqualTo(1);
    assertThat(batch.kernelRefusals()).isZero();
  }

  @Test
  void aRunCutShortByTheBatchEndIsSentAsFarAsItGoes() throws IOException {
    int[] lengths = {500, 500, 200};
    int[] runs = {5, 0, 0};
    for (int i = 0; i < lengths.length; i++) {
      fill(i, lengths[i]);
    }

    assertThat(batch.send(lengths, runs, 3)).isEqualTo(3);

    assertThat(receive(3)).extracting(d -> d.length).containsExactly(500, 500, 200);
  }
}
