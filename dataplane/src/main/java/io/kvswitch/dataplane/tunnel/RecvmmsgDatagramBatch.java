package io.kvswitch.dataplane.tunnel;

import static io.kvswitch.dataplane.port.linux.MessageHeaders.IOVEC_SIZE;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MMSGHDR_SIZE;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_CONTROL;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_CONTROLLEN;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_FLAGS;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_IOV;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_IOVLEN;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_LEN;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_NAME;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_NAMELEN;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.SOCKADDR_IN_SIZE;

import io.kvswitch.dataplane.port.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reads the tunnel's UDP socket with one {@code recvmmsg(MSG_DONTWAIT)} into preallocated memory:
 * up to {@link #MESSAGES} messages of up to 64 KiB each, with the sender's {@code sockaddr_in} and
 * the {@code UDP_GRO} control message of each.
 *
 * <p>With {@code UDP_GRO} on, one message is a whole run of datagrams from one sender, all of the
 * control message's segment size but the last, which may be shorter; without it (or when the kernel
 * did not coalesce) one message is one datagram. Either way a message never needs more than 64 KiB
 * (one UDP packet), so the kernel never cuts one short; {@link #truncated} still reports it if it
 * did.
 *
 * <p>Every message's {@code iovec}, name and control buffer are set up once; a read rewrites only
 * the two lengths the kernel changes. Each message's data starts {@link #HEADROOM} bytes into its
 * area, so the first frame decapsulated in place has room for an offload header in front of it.
 * Nothing is allocated per read.
 */
final class RecvmmsgDatagramBatch implements AutoCloseable {

  /** Messages per read: with UDP GRO, up to 8 runs of up to 64 datagrams each. */
  static final int MESSAGES = 8;

  /** The longest message: one UDP packet, a whole coalesced run. */
  static final int MESSAGE_BYTES = 65_536;

  /** Bytes before each message's data, for the offload header of the first frame. */
  static final int HEADROOM = 64;

  private static final long STRIDE = HEADROOM + MESSAGE_BYTES;

  /** Room for the UDP_GRO control message (24 bytes) and anything else the kernel adds. */
  private static final long CONTROL_SPACE = 64;

  private static final long CMSG_HEADER = 16;
  private static final int SOL_UDP = 17;
  private static final int UDP_GRO = 104;
  private static final int MSG_TRUNC = 0x20;

  private static final ValueLayout.OfInt INT_BE =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final int fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment buffer;
  private final MemorySegment messages;
  private final MemorySegment names;
  private final MemorySegment controls;

  RecvmmsgDatagramBatch(int fd) {
    this.fd = fd;
    this.buffer = arena.allocate(STRIDE * MESSAGES, 64);
    this.messages = arena.allocate(MMSGHDR_SIZE * MESSAGES, 8);
    this.names = arena.allocate(SOCKADDR_IN_SIZE * MESSAGES, 8);
    this.controls = arena.allocate(CONTROL_SPACE * MESSAGES, 8);
    MemorySegment iovecs = arena.allocate(IOVEC_SIZE * MESSAGES, 8);
    for (int i = 0; i < MESSAGES; i++) {
      long message = i * MMSGHDR_SIZE;
      iovecs.set(ValueLayout.JAVA_LONG, i * IOVEC_SIZE, buffer.address() + dataOffset(i));
      iovecs.set(ValueLayout.JAVA_LONG, i * IOVEC_SIZE + 8, MESSAGE_BYTES);
      messages.set(
          ValueLayout.JAVA_LONG, message + MSG_NAME, names.address() + i * SOCKADDR_IN_SIZE);
      messages.set(ValueLayout.JAVA_LONG, message + MSG_IOV, iovecs.address() + i * IOVEC_SIZE);
      messages.set(ValueLayout.JAVA_LONG, message + MSG_IOVLEN, 1L);
      messages.set(
          ValueLayout.JAVA_LONG, message + MSG_CONTROL, controls.address() + i * CONTROL_SPACE);
    }
  }

  /**
   * Reads up to {@code maxMessages} (at most {@link #MESSAGES}) waiting messages without waiting.
   *
   * @return how many were read; 0 when none was waiting (or the read failed, which the next poll
   *     tries again)
   */
  int receive(int maxMessages) {
    int count = Math.min(maxMessages, MESSAGES);
    for (int i = 0; i < count; i++) {
      // The kernel shortens both to what it wrote; give every message its full room again.
      long message = i * MMSGHDR_SIZE;
      messages.set(ValueLayout.JAVA_INT, message + MSG_NAMELEN, (int) SOCKADDR_IN_SIZE);
      messages.set(ValueLayout.JAVA_LONG, message + MSG_CONTROLLEN, CONTROL_SPACE);
    }
    int n = Libc.recvmmsgNoErrno(fd, messages, count, Libc.MSG_DONTWAIT);
    return Math.max(n, 0);
  }

  /** The memory all messages are read into. */
  MemorySegment buffer() {
    return buffer;
  }

  /** Where message {@code i}'s data starts in {@link #buffer()}. */
  static long dataOffset(int i) {
    return i * STRIDE + HEADROOM;
  }

  /** Bytes in message {@code i}. */
  int length(int i) {
    return messages.get(ValueLayout.JAVA_INT, i * MMSGHDR_SIZE + MSG_LEN);
  }

  /** The sender's IPv4 address as an int (most significant byte first), 0 when not IPv4. */
  int source(int i) {
    long name = i * SOCKADDR_IN_SIZE;
    if (messages.get(ValueLayout.JAVA_INT, i * MMSGHDR_SIZE + MSG_NAMELEN) < 8
        || names.get(ValueLayout.JAVA_SHORT, name) != Libc.AF_INET) {
      return 0;
    }
    return names.get(INT_BE, name + 4);
  }

  /** Whether the kernel cut message {@code i} short for want of room. */
  boolean truncated(int i) {
    return (messages.get(ValueLayout.JAVA_INT, i * MMSGHDR_SIZE + MSG_FLAGS) & MSG_TRUNC) != 0;
  }

  /**
   * The size of each datagram in message {@code i}: the {@code UDP_GRO} control message's segment
   * size for a coalesced run, else the whole message (one datagram).
   */
  int segmentSize(int i) {
    long control = i * CONTROL_SPACE;
    long used =
        Math.min(
            messages.get(ValueLayout.JAVA_LONG, i * MMSGHDR_SIZE + MSG_CONTROLLEN), CONTROL_SPACE);
    long at = 0;
    while (at + CMSG_HEADER <= used) {
      long length = controls.get(ValueLayout.JAVA_LONG, control + at);
      if (length < CMSG_HEADER || at + length > used) {
        break;
      }
      if (controls.get(ValueLayout.JAVA_INT, control + at + 8) == SOL_UDP
          && controls.get(ValueLayout.JAVA_INT, control + at + 12) == UDP_GRO
          && length >= CMSG_HEADER + 4) {
        int size = controls.get(ValueLayout.JAVA_INT, control + at + CMSG_HEADER);
        if (size > 0) {
          return size;
        }
      }
      at += (length + 7) & ~7L;
    }
    return length(i);
  }

  @Override
  public void close() {
    arena.close();
  }
}
