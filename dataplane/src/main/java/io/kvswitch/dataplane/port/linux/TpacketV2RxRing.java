package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.port.FrameSink;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Walks a TPACKET_V2 receive ring: fixed slots, one frame each, every slot handed over by the
 * kernel the moment its frame is written, so a poll wakes per frame. That is the latency V3 cannot
 * give; the price is that every slot must hold the largest frame (64 KiB with offload headers).
 * Each slot here fills one ring block.
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

  private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();

  private final MemorySegment ring;
  private final long slotSize;
  private final int slotCount;
  private final RingFrameDelivery delivery;

  private int slot;

  TpacketV2RxRing(
      MemorySegment ring, long slotSize, int slotCount, int headerLength, PortCounters counters) {
    this.ring = ring;
    this.slotSize = slotSize;
    this.slotCount = slotCount;
    this.delivery = new RingFrameDelivery(ring, headerLength, counters);
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
        if (delivery.deliver(
            base + HEADER_END,
            base + (ring.get(ValueLayout.JAVA_SHORT, base + MAC) & 0xffff),
            ring.get(ValueLayout.JAVA_INT, base + SNAPLEN),
            ring.get(ValueLayout.JAVA_INT, base + LEN),
            status,
            ring.get(ValueLayout.JAVA_SHORT, base + VLAN_TCI) & 0xffff,
            ring.get(ValueLayout.JAVA_SHORT, base + VLAN_TPID) & 0xffff,
            sink)) {
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
}
