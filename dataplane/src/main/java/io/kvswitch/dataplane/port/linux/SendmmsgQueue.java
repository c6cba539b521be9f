package io.kvswitch.dataplane.port.linux;

import static io.kvswitch.dataplane.port.linux.MessageHeaders.IOVEC_SIZE;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MMSGHDR_SIZE;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_IOV;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_IOVLEN;

import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Frames waiting to leave through a packet socket, copied back to back into one native buffer and
 * sent with one {@code sendmmsg} per batch.
 *
 * <p>Why not a TX ring: its slots have a fixed size, and with offload headers a frame may be 64
 * KiB, so a ring that holds a useful number of frames would cost megabytes per port; and the TX
 * ring's single {@code send} per batch is what sendmmsg gives too. Small frames take only their own
 * size here.
 *
 * <p>Every {@code mmsghdr} points at its own {@code iovec} from the start; queuing a frame only
 * fills in that iovec, so queuing and sending allocate nothing.
 */
final class SendmmsgQueue {

  private static final int ENOBUFS = 105;

  private final int fd;
  private final int headerLength;
  private final PortCounters counters;
  private final MemorySegment frames;
  private final MemorySegment iovecs;
  private final MemorySegment[] messagesFrom;

  private int queued;
  private long used;

  /**
   * @param headerLength bytes of offload header the socket expects before each frame (0 or 10)
   */
  SendmmsgQueue(
      int fd,
      int maxMessages,
      long bufferBytes,
      int headerLength,
      PortCounters counters,
      Arena arena) {
    this.fd = fd;
    this.headerLength = headerLength;
    this.counters = counters;
    this.frames = arena.allocate(bufferBytes, 64);
    this.iovecs = arena.allocate(IOVEC_SIZE * maxMessages, 8);
    MemorySegment messages = arena.allocate(MMSGHDR_SIZE * maxMessages, 8);
    this.messagesFrom = new MemorySegment[maxMessages];
    for (int i = 0; i < maxMessages; i++) {
      long message = i * MMSGHDR_SIZE;
      messages.set(ValueLayout.ADDRESS, message + MSG_IOV, iovecs.asSlice(i * IOVEC_SIZE));
      messages.set(ValueLayout.JAVA_LONG, message + MSG_IOVLEN, 1L);
      messagesFrom[i] = messages.asSlice(message);
    }
  }

  /** Largest frame (without offload header) that fits. */
  long capacity() {
    return frames.byteSize() - headerLength;
  }

  /**
   * Queues a complete frame; a socket that expects an offload header gets one that asks for
   * nothing.
   */
  boolean add(MemorySegment buffer, long offset, int length) {
    long at = reserve(headerLength + length);
    if (at < 0) {
      return false;
    }
    if (headerLength > 0) {
      VirtioNetHeader.writePlain(frames, at);
    }
    MemorySegment.copy(buffer, offset, frames, at + headerLength, length);
    commit(at, headerLength + length);
    return true;
  }

  /** Queues a frame together with the offload header in front of it; the socket must expect one. */
  boolean addWithHeader(MemorySegment buffer, long offset, int length) {
    long at = reserve(headerLength + length);
    if (at < 0) {
      return false;
    }
    MemorySegment.copy(buffer, offset - headerLength, frames, at, headerLength + length);
    commit(at, headerLength + length);
    return true;
  }

  /**
   * Sends what is queued. A frame the kernel refuses is counted and skipped, and the rest still go;
   * when the socket's send buffer is full the rest are dropped, because the forwarding thread must
   * never wait for the kernel.
   */
  void flush() {
    int sent = 0;
    while (sent < queued) {
      int n = Libc.sendmmsg(fd, messagesFrom[sent], queued - sent, Libc.MSG_DONTWAIT);
      if (n > 0) {
        for (int i = sent; i < sent + n; i++) {
          counters.txBytes += iovecs.get(ValueLayout.JAVA_LONG, i * IOVEC_SIZE + 8) - headerLength;
        }
        counters.txFrames += n;
        sent += n;
      } else if (n == -Libc.EINTR) {
        continue;
      } else if (n == -Libc.EAGAIN) {
        counters.txDropped += queued - sent;
        break;
      } else if (n == -ENOBUFS) {
        // The device queue (for a veth, the peer's backlog) refused this one frame.
        counters.txDropped++;
        sent++;
      } else {
        counters.txErrors++;
        counters.lastTxErrno = -n;
        sent++;
      }
    }
    queued = 0;
    used = 0;
  }

  private long reserve(int bytes) {
    if (bytes > frames.byteSize()) {
      return -1;
    }
    if (queued == messagesFrom.length || used + bytes > frames.byteSize()) {
      flush();
    }
    long at = used;
    used += (bytes + 7) & ~7L;
    return at;
  }

  private void commit(long at, int bytes) {
    long iovec = queued * IOVEC_SIZE;
    // A raw address, not frames.asSlice(at): a slice would be an object per frame.
    iovecs.set(ValueLayout.JAVA_LONG, iovec, frames.address() + at);
    iovecs.set(ValueLayout.JAVA_LONG, iovec + 8, bytes);
    queued++;
  }
}
