package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.port.FrameSink;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Walks a TPACKET_V3 receive ring. The kernel packs frames of any size back to back into blocks and
 * hands a whole block over when it is full or its timeout expires; frames stay in the mapped block
 * while the sink looks at them, and the block goes back to the kernel once every frame in it was
 * seen. V3 rather than V2 because with offload headers frames range from 60 bytes to 64 KiB: V2's
 * fixed slots would each have to hold 64 KiB, so a ring of reasonable size would hold only a few
 * hundred frames. The price is latency at low rates: a block that is not full waits for its timeout
 * ({@link AfPacketOptions#blockTimeoutMillis()}).
 */
final class TpacketV3RxRing implements RxRing {

  // struct tpacket_block_desc: version, offset_to_priv, then struct tpacket_hdr_v1.
  private static final long BLOCK_STATUS = 8;
  private static final long BLOCK_NUM_PACKETS = 12;
  private static final long BLOCK_FIRST_PACKET = 16;

  // struct tpacket3_hdr
  private static final long PACKET_NEXT_OFFSET = 0;
  private static final long PACKET_SNAPLEN = 12;
  private static final long PACKET_LEN = 16;
  private static final long PACKET_STATUS = 20;
  private static final long PACKET_MAC = 24;
  private static final long PACKET_VLAN_TCI = 32;
  private static final long PACKET_VLAN_TPID = 36;

  /** TPACKET3_HDRLEN: the aligned header plus the sockaddr_ll the kernel writes after it. */
  private static final long PACKET_HEADER_END = 48 + 20;

  private static final int TP_STATUS_KERNEL = 0;
  private static final int TP_STATUS_USER = 1;

  private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();

  private final MemorySegment ring;
  private final long blockSize;
  private final int blockCount;
  private final RingFrameDelivery delivery;

  private int block;
  private boolean blockOpen;
  private int packetsLeft;
  private long packet;

  TpacketV3RxRing(
      MemorySegment ring, long blockSize, int blockCount, int headerLength, PortCounters counters) {
    this.ring = ring;
    this.blockSize = blockSize;
    this.blockCount = blockCount;
    this.delivery = new RingFrameDelivery(ring, headerLength, counters);
  }

  @Override
  public int receive(FrameSink sink, int maxFrames) {
    int delivered = 0;
    int seen = 0;
    while (seen < maxFrames) {
      if (packetsLeft == 0) {
        releaseBlockIfDone();
        long base = block * blockSize;
        // Acquire pairs with the kernel's barrier before it flips the status: after seeing
        // TP_STATUS_USER, the block's frames are complete.
        int status = (int) STATUS.getAcquire(ring, base + BLOCK_STATUS);
        if ((status & TP_STATUS_USER) == 0) {
          break;
        }
        blockOpen = true;
        packetsLeft = ring.get(ValueLayout.JAVA_INT, base + BLOCK_NUM_PACKETS);
        packet = base + ring.get(ValueLayout.JAVA_INT, base + BLOCK_FIRST_PACKET);
        continue;
      }
      long current = packet;
      // Step past the frame before the sink sees it, so a sink that throws cannot make the same
      // frame come round again.
      packetsLeft--;
      packet = current + ring.get(ValueLayout.JAVA_INT, current + PACKET_NEXT_OFFSET);
      seen++;
      if (deliver(current, sink)) {
        delivered++;
      }
    }
    releaseBlockIfDone();
    return delivered;
  }

  private boolean deliver(long packet, FrameSink sink) {
    return delivery.deliver(
        packet + PACKET_HEADER_END,
        packet + (ring.get(ValueLayout.JAVA_SHORT, packet + PACKET_MAC) & 0xffff),
        ring.get(ValueLayout.JAVA_INT, packet + PACKET_SNAPLEN),
        ring.get(ValueLayout.JAVA_INT, packet + PACKET_LEN),
        ring.get(ValueLayout.JAVA_INT, packet + PACKET_STATUS),
        ring.get(ValueLayout.JAVA_INT, packet + PACKET_VLAN_TCI) & 0xffff,
        ring.get(ValueLayout.JAVA_SHORT, packet + PACKET_VLAN_TPID) & 0xffff,
        sink);
  }

  private void releaseBlockIfDone() {
    if (blockOpen && packetsLeft == 0) {
      STATUS.setRelease(ring, block * blockSize + BLOCK_STATUS, TP_STATUS_KERNEL);
      blockOpen = false;
      block = (block + 1) % blockCount;
    }
  }
}
