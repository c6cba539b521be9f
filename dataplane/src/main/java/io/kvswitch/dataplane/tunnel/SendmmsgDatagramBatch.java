package io.kvswitch.dataplane.tunnel;

import static io.kvswitch.dataplane.port.linux.MessageHeaders.IOVEC_SIZE;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MMSGHDR_SIZE;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_CONTROL;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_CONTROLLEN;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_IOV;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_IOVLEN;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_NAME;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_NAMELEN;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.SOCKADDR_IN_SIZE;

import io.kvswitch.dataplane.port.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.nio.ByteOrder;
import java.util.function.LongSupplier;

/**
 * Sends a batch of datagrams to one IPv4 VTEP with one {@code sendmmsg(MSG_DONTWAIT)} on the
 * tunnel's UDP socket, from the forwarding thread that encapsulated them.
 *
 * <p>Why not {@code channel.write()}: netty's writes from outside the event loop allocate a task, a
 * {@code DatagramPacket} and an outbound-buffer entry per datagram and hop threads once per
 * datagram. The socket is netty's (it receives there); sending on the same descriptor from another
 * thread is safe for UDP, and here every slot has its {@code iovec} and every message points at the
 * peer's {@code sockaddr_in}, so a batch only writes lengths and makes one call.
 *
 * <p>A run of slots (the datagrams of one cut GSO frame) goes as one message: its iovecs are the
 * run's slots, and a {@code UDP_SEGMENT} control message tells the kernel the datagram size, so the
 * kernel builds one large UDP packet and segments it late (in the NIC, or in software just before
 * the device): one trip through the stack instead of one per datagram.
 *
 * <p>A kernel, route or socket that refuses UDP GSO turns it off for this batch: the refused run
 * and every later one go datagram by datagram, in the same call, so nothing of the run is lost or
 * reordered. {@code udp_send_skb} refuses with {@code EINVAL} a socket that sends without UDP
 * checksums ({@code SO_NO_CHECK}) or a run of more segments than it allows, and with {@code EIO}
 * one whose checksum cannot be left to the device (UDP-Lite, IPsec, and on older kernels an
 * underlay device without checksum offload), and with {@code EINVAL} a segment longer than the
 * route's MTU allows. Most of those last as long as the socket or the route, but a route's MTU can
 * be lowered for a while and raised again, so the batch tries UDP GSO again {@link
 * #GSO_RETRY_NANOS} after it turned it off: often enough that a passing condition does not cost the
 * offload for good, rarely enough that a lasting one costs one refused call per 10 s. {@link
 * #gsoFallbacks()} counts the turns.
 */
final class SendmmsgDatagramBatch implements DatagramBatch {

  // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } + u16, padded to 8.
  private static final long CMSG_SPACE = 24;
  private static final long CMSG_LEN = 18;
  private static final int SOL_UDP = 17;
  private static final int UDP_SEGMENT = 103;
  private static final int EIO = 5;
  private static final int EINVAL = 22;
  private static final int ENOBUFS = 105;

  /** How long runs go datagram by datagram after a refusal before UDP GSO is tried again. */
  static final long GSO_RETRY_NANOS = 10_000_000_000L;

  private final int fd;
  private final int slots;
  private final int slotSize;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment buffer;
  private final MemorySegment iovecs;
  private final MemorySegment messages;
  private final MemorySegment controls;
  private final MemorySegment[] messagesFrom;

  /** The slot count of each message of the batch being sent. */
  private final int[] messageDatagrams;

  private final LongSupplier nanoClock;
  private boolean segmentationOffload = true;
  private long offloadOffSince;
  private long kernelRefusals;
  private long offloadedSends;
  private long gsoFallbacks;

  SendmmsgDatagramBatch(int fd, Inet4Address peer, int udpPort, int slots, int slotSize) {
    this(fd, peer, udpPort, slots, slotSize, System::nanoTime);
  }

  /** With {@code nanoClock} in place of {@link System#nanoTime()}, for tests of the retry. */
  SendmmsgDatagramBatch(
      int fd, Inet4Address peer, int udpPort, int slots, int slotSize, LongSupplier nanoClock) {
    this.fd = fd;
    this.nanoClock = nanoClock;
    this.slots = slots;
    this.slotSize = slotSize;
    this.buffer = arena.allocate((long) slots * slotSize, 64);
    MemorySegment address = arena.allocate(SOCKADDR_IN_SIZE, 8);
    address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
    address.set(
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) udpPort);
    MemorySegment.copy(peer.getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
    this.iovecs = arena.allocate(IOVEC_SIZE * slots, 8);
    this.messages = arena.allocate(MMSGHDR_SIZE * slots, 8);
    this.controls = arena.allocate(CMSG_SPACE * slots, 8);
    this.messagesFrom = new MemorySegment[slots];
    this.messageDatagrams = new int[slots];
    for (int i = 0; i < slots; i++) {
      long message = i * MMSGHDR_SIZE;
      iovecs.set(ValueLayout.ADDRESS, i * IOVEC_SIZE, buffer.asSlice((long) i * slotSize));
      messages.set(ValueLayout.ADDRESS, message + MSG_NAME, address);
      messages.set(ValueLayout.JAVA_INT, message + MSG_NAMELEN, (int) SOCKADDR_IN_SIZE);
      messagesFrom[i] = messages.asSlice(message);
      long control = i * CMSG_SPACE;
      controls.set(ValueLayout.JAVA_LONG, control, CMSG_LEN);
      controls.set(ValueLayout.JAVA_INT, control + 8, SOL_UDP);
      controls.set(ValueLayout.JAVA_INT, control + 12, UDP_SEGMENT);
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
   * A message the kernel refuses (no route, {@code EMSGSIZE}) is skipped and the rest still go; a
   * full send buffer ({@code EAGAIN}) ends the batch, because the forwarding thread never waits.
   */
  @Override
  public int send(int[] lengths, int[] runs, int count) {
    for (int i = 0; i < count; i++) {
      iovecs.set(ValueLayout.JAVA_LONG, i * IOVEC_SIZE + 8, lengths[i]);
    }
    if (!segmentationOffload && nanoClock.getAsLong() - offloadOffSince >= GSO_RETRY_NANOS) {
      segmentationOffload = true;
    }
    int messageCount = describe(lengths, runs, 0, count, 0);
    int next = 0;
    int sent = 0;
    while (next < messageCount) {
      int n = Libc.sendmmsg(fd, messagesFrom[next], messageCount - next, Libc.MSG_DONTWAIT);
      if (n > 0) {
        for (int m = next; m < next + n; m++) {
          sent += messageDatagrams[m];
          if (messageDatagrams[m] > 1) {
            offloadedSends++;
          }
        }
        next += n;
      } else if (n == -Libc.EINTR) {
        continue;
      } else if (n == -Libc.EAGAIN) {
        break;
      } else if ((n == -EIO || n == -EINVAL) && messageDatagrams[next] > 1) {
        // The kernel cannot segment for us here: send this and every later run datagram by
        // datagram.
        segmentationOffload = false;
        offloadOffSince = nanoClock.getAsLong();
        gsoFallbacks++;
        int firstSlot = firstSlotOf(next);
        messageCount = describe(lengths, runs, firstSlot, count, next);
      } else {
        if (n != -ENOBUFS) {
          kernelRefusals++;
        }
        next++;
      }
    }
    return sent;
  }

  /** The slot the message {@code message} starts at. */
  private int firstSlotOf(int message) {
    int slot = 0;
    for (int m = 0; m < message; m++) {
      slot += messageDatagrams[m];
    }
    return slot;
  }

  /**
   * Points messages {@code firstMessage..} at slots {@code firstSlot..count-1}: a run as one
   * message with a {@code UDP_SEGMENT} control message, or slot by slot once segmentation is off.
   *
   * @return the number of messages in all
   */
  private int describe(int[] lengths, int[] runs, int firstSlot, int count, int firstMessage) {
    int message = firstMessage;
    int slot = firstSlot;
    while (slot < count) {
      int run = segmentationOffload ? Math.max(1, Math.min(runs[slot], count - slot)) : 1;
      long at = message * MMSGHDR_SIZE;
      // Raw addresses: a slice per message would be an object per send.
      messages.set(ValueLayout.JAVA_LONG, at + MSG_IOV, iovecs.address() + slot * IOVEC_SIZE);
      messages.set(ValueLayout.JAVA_LONG, at + MSG_IOVLEN, run);
      if (run > 1) {
        long control = message * CMSG_SPACE;
        controls.set(ValueLayout.JAVA_SHORT, control + 16, (short) lengths[slot]);
        messages.set(ValueLayout.JAVA_LONG, at + MSG_CONTROL, controls.address() + control);
        messages.set(ValueLayout.JAVA_LONG, at + MSG_CONTROLLEN, CMSG_SPACE);
      } else {
        messages.set(ValueLayout.JAVA_LONG, at + MSG_CONTROL, 0L);
        messages.set(ValueLayout.JAVA_LONG, at + MSG_CONTROLLEN, 0L);
      }
      messageDatagrams[message++] = run;
      slot += run;
    }
    return message;
  }

  /** Messages the kernel refused for a reason other than a full queue. */
  long kernelRefusals() {
    return kernelRefusals;
  }

  /** Runs the kernel took as one UDP GSO send. */
  long offloadedSends() {
    return offloadedSends;
  }

  /** Whether runs go as UDP GSO sends (false for a while after the kernel refused one). */
  boolean segmentationOffload() {
    return segmentationOffload;
  }

  @Override
  public long gsoFallbacks() {
    return gsoFallbacks;
  }

  @Override
  public void close() {
    arena.close();
  }
}
