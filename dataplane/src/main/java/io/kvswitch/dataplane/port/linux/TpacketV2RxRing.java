package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.port.FrameSink;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Walks a TPACKET_V2 receive ring: fixed slots, one frame each, every slot handed over by the
 * kernel the moment its frame is written, so a poll wakes per frame. That is the latency V3 cannot
 * give.
 *
 * <p>Slots may be smaller than the largest frame. The socket has {@code PACKET_COPY_THRESH} set, so
 * the kernel queues a frame that does not fit its slot (a 64 KiB GSO frame, a jumbo frame) whole on
 * the socket's ordinary receive queue, writes what fits into the slot and marks it {@code
 * TP_STATUS_COPY}. Such a slot is replaced here by the frame read from the socket, in ring order
 * (the kernel queues the copy before it hands the slot over). So a ring of 2 KiB slots holds many
 * small frames and still passes every GSO frame, at the price of a copy and a {@code read} for each
 * frame too big for a slot. When the socket's receive buffer is full the kernel makes no copy; such
 * a slot holds a cut frame, dropped and counted as truncated.
 */
final class TpacketV2RxRing implements RxRing {

  // struct tpacket2_hdr
  private static final long STATUS_OFFSET = 0;
  private static final long LEN = 4;
  private static final long SNAPLEN = 8;
  private static final long MAC = 12;
  private static final long VLAN_TCI = 24;
  private static final long VLAN_TPID = 26;

  /** TPACKET2_HDRLEN: the aligned header plus the sockaddr_ll the kernel writes after it. */
  private static final long HEADER_END = 32 + 20;

  private static final int TP_STATUS_KERNEL = 0;
  private static final int TP_STATUS_USER = 1;
  private static final int TP_STATUS_COPY = 2;

  /** Room before a frame read from the socket, for the 802.1Q tag put back in front of it. */
  private static final long COPY_HEADROOM = 16;

  /** The largest frame the kernel hands a packet socket (64 KiB GSO) with headers to spare. */
  private static final int COPY_CAPACITY = 65_536 + 1024;

  private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();

  private final MemorySegment ring;
  private final long slotSize;
  private final int slotCount;
  private final int fd;
  private final int headerLength;
  private final PortCounters counters;
  private final RingFrameDelivery delivery;
  private final MemorySegment copyTarget;
  private final RingFrameDelivery copyDelivery;

  private int slot;

  /**
   * @param copy at least {@link #copyBufferSize()} bytes, for frames read from the socket
   */
  TpacketV2RxRing(
      MemorySegment ring,
      long slotSize,
      int slotCount,
      int fd,
      MemorySegment copy,
      int headerLength,
      PortCounters counters) {
    this.ring = ring;
    this.slotSize = slotSize;
    this.slotCount = slotCount;
    this.fd = fd;
    this.headerLength = headerLength;
    this.counters = counters;
    this.delivery = new RingFrameDelivery(ring, headerLength, counters);
    // Sliced once: a slice per read would be an object per frame.
    this.copyTarget = copy.asSlice(COPY_HEADROOM, COPY_CAPACITY);
    this.copyDelivery = new RingFrameDelivery(copy, headerLength, counters);
  }

  /** Bytes the buffer for frames read from the socket needs. */
  static long copyBufferSize() {
    return COPY_HEADROOM + COPY_CAPACITY;
  }

  @Override
  public int receive(FrameSink sink, int maxFrames) {
    int delivered = 0;
    for (int i = 0; i < maxFrames; i++) {
      long base = slot * slotSize;
      // Acquire pairs with the kernel's barrier before it flips the status: after seeing
      // TP_STATUS_USER, the slot's frame is complete.
      int status = (int) STATUS.getAcquire(ring, base + STATUS_OFFSET);
      if ((status & TP_STATUS_USER) == 0) {
        break;
      }
      slot = (slot + 1) % slotCount;
      try {
        int tci = ring.get(ValueLayout.JAVA_SHORT, base + VLAN_TCI) & 0xffff;
        int tpid = ring.get(ValueLayout.JAVA_SHORT, base + VLAN_TPID) & 0xffff;
        boolean handed =
            (status & TP_STATUS_COPY) != 0
                ? deliverCopy(status, tci, tpid, sink)
                : delivery.deliver(
                    base + HEADER_END,
                    base + (ring.get(ValueLayout.JAVA_SHORT, base + MAC) & 0xffff),
                    ring.get(ValueLayout.JAVA_INT, base + SNAPLEN),
                    ring.get(ValueLayout.JAVA_INT, base + LEN),
                    status,
                    tci,
                    tpid,
                    sink);
        if (handed) {
          delivered++;
        }
      } finally {
        // The kernel fills slots strictly in turn and drops everything while the next one is
        // still ours, so the slot goes back even when the sink throws.
        STATUS.setRelease(ring, base + STATUS_OFFSET, TP_STATUS_KERNEL);
      }
    }
    return delivered;
  }

  /**
   * Reads the whole frame of a {@code TP_STATUS_COPY} slot from the socket (offload header first,
   * as the slot would have it) and delivers it with the slot's tag metadata.
   */
  private boolean deliverCopy(int status, int tci, int tpid, FrameSink sink) {
    long read = Libc.readNoErrno(fd, copyTarget, COPY_CAPACITY);
    if (read < 0 || read >= COPY_CAPACITY || read < headerLength) {
      // Nothing queued after all, or more than any frame the kernel hands over: lost either way.
      counters.rxTruncated++;
      return false;
    }
    int length = (int) read - headerLength;
    return copyDelivery.deliver(
        0, COPY_HEADROOM + headerLength, length, length, status, tci, tpid, sink);
  }
}
