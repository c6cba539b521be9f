package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.port.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.nio.ByteOrder;

/**
 * Sends a batch of datagrams to one IPv4 VTEP with one {@code sendmmsg(MSG_DONTWAIT)} on the
 * tunnel's UDP socket, from the forwarding thread that encapsulated them.
 *
 * <p>Why not {@code channel.write()}: netty's writes from outside the event loop allocate a task, a
 * {@code DatagramPacket} and an outbound-buffer entry per datagram and hop threads once per
 * datagram. The socket is netty's (it receives there); sending on the same descriptor from another
 * thread is safe for UDP, and here every {@code mmsghdr} already points at its slot, its {@code
 * iovec} and the peer's {@code sockaddr_in}, so a batch only writes lengths and makes one call.
 */
final class SendmmsgDatagramBatch implements DatagramBatch {

  // struct mmsghdr { struct msghdr (56 bytes); unsigned int msg_len; } padded to 64.
  private static final long MMSGHDR_SIZE = 64;
  private static final long MSG_NAME = 0;
  private static final long MSG_NAMELEN = 8;
  private static final long MSG_IOV = 16;
  private static final long MSG_IOVLEN = 24;
  private static final long IOVEC_SIZE = 16;
  private static final long SOCKADDR_IN_SIZE = 16;
  private static final int ENOBUFS = 105;

  private final int fd;
  private final int slots;
  private final int slotSize;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment buffer;
  private final MemorySegment iovecs;
  private final MemorySegment[] messagesFrom;
  private long kernelRefusals;

  SendmmsgDatagramBatch(int fd, Inet4Address peer, int udpPort, int slots, int slotSize) {
    this.fd = fd;
    this.slots = slots;
    this.slotSize = slotSize;
    this.buffer = arena.allocate((long) slots * slotSize, 64);
    MemorySegment address = arena.allocate(SOCKADDR_IN_SIZE, 8);
    address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
    address.set(
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) udpPort);
    MemorySegment.copy(peer.getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
    this.iovecs = arena.allocate(IOVEC_SIZE * slots, 8);
    MemorySegment messages = arena.allocate(MMSGHDR_SIZE * slots, 8);
    this.messagesFrom = new MemorySegment[slots];
    for (int i = 0; i < slots; i++) {
      long message = i * MMSGHDR_SIZE;
      iovecs.set(ValueLayout.ADDRESS, i * IOVEC_SIZE, buffer.asSlice((long) i * slotSize));
      messages.set(ValueLayout.ADDRESS, message + MSG_NAME, address);
      messages.set(ValueLayout.JAVA_INT, message + MSG_NAMELEN, (int) SOCKADDR_IN_SIZE);
      messages.set(ValueLayout.ADDRESS, message + MSG_IOV, iovecs.asSlice(i * IOVEC_SIZE));
      messages.set(ValueLayout.JAVA_LONG, message + MSG_IOVLEN, 1L);
      messagesFrom[i] = messages.asSlice(message);
    }
  }

  @Override
  public MemorySegment buffer() {
    return buffer;
  }

  @Override
  public int slotSize() {
    return slotSize;
  }

  @Override
  public int slots() {
    return slots;
  }

  /**
   * A datagram the kernel refuses (no route, {@code EMSGSIZE}) is skipped and the rest still go; a
   * full send buffer ({@code EAGAIN}) ends the batch, because the forwarding thread never waits.
   */
  @Override
  public int send(int[] lengths, int count) {
    for (int i = 0; i < count; i++) {
      iovecs.set(ValueLayout.JAVA_LONG, i * IOVEC_SIZE + 8, lengths[i]);
    }
    int next = 0;
    int sent = 0;
    while (next < count) {
      int n = Libc.sendmmsg(fd, messagesFrom[next], count - next, Libc.MSG_DONTWAIT);
      if (n > 0) {
        sent += n;
        next += n;
      } else if (n == -Libc.EINTR) {
        continue;
      } else if (n == -Libc.EAGAIN) {
        break;
      } else {
        if (n != -ENOBUFS) {
          kernelRefusals++;
        }
        next++;
      }
    }
    return sent;
  }

  /** Datagrams the kernel refused for a reason other than a full queue. */
  long kernelRefusals() {
    return kernelRefusals;
  }

  @Override
  public void close() {
    arena.close();
  }
}
