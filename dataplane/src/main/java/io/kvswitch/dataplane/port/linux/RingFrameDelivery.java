package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * What both ring versions do with one received frame: drop and count what is unusable, put back an
 * 802.1Q tag the kernel lifted off, and hand the frame to the sink in place.
 */
final class RingFrameDelivery {

  private static final int TP_STATUS_VLAN_VALID = 0x10;
  private static final int TP_STATUS_VLAN_TPID_VALID = 0x40;
  private static final int ETH_ADDRESSES = 12;
  private static final int ETH_HEADER = 14;
  private static final int VLAN_TAG = 4;
  private static final int ETH_P_8021Q = 0x8100;
  private static final ValueLayout.OfShort U16_BE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final MemorySegment ring;
  private final int headerLength;
  private final PortCounters counters;

  RingFrameDelivery(MemorySegment ring, int headerLength, PortCounters counters) {
    this.ring = ring;
    this.headerLength = headerLength;
    this.counters = counters;
  }

  /**
   * @param headroomStart first byte before the frame that may be overwritten (the end of the
   *     kernel's per-frame header and address)
   * @param frame where the Ethernet header starts
   * @param status the frame's {@code tp_status}
   * @param tci and {@code tpid}: the lifted tag, valid when {@code status} says so
   * @return whether the sink got the frame
   */
  boolean deliver(
      long headroomStart,
      long frame,
      int snapLength,
      int wireLength,
      int status,
      int tci,
      int tpid,
      FrameSink sink) {
    if (snapLength < wireLength) {
      counters.rxTruncated++;
      return false;
    }
    if (snapLength < ETH_HEADER) {
      counters.rxMalformed++;
      return false;
    }
    int length = snapLength;
    if ((status & TP_STATUS_VLAN_VALID) != 0) {
      // The kernel strips an 802.1Q tag into metadata before packet sockets see the frame. A
      // switch must see the frame as it was on the wire, so the tag goes back in, in place: the
      // MAC addresses (and the offload header before them) move 4 bytes towards the ring header.
      if (frame - headerLength - VLAN_TAG < headroomStart) {
        counters.rxMalformed++;
        return false;
      }
      int etherType = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ? tpid : ETH_P_8021Q;
      MemorySegment.copy(
          ring,
          frame - headerLength,
          ring,
          frame - headerLength - VLAN_TAG,
          headerLength + ETH_ADDRESSES);
      frame -= VLAN_TAG;
      length += VLAN_TAG;
      ring.set(U16_BE, frame + ETH_ADDRESSES, (short) etherType);
      ring.set(U16_BE, frame + ETH_ADDRESSES + 2, (short) tci);
      if (headerLength > 0) {
        VirtioNetHeader.shiftOffsets(ring, frame - headerLength, VLAN_TAG);
      }
    }
    counters.rxFrames++;
    counters.rxBytes += length;
    sink.accept(ring, frame, length);
    return true;
  }
}
