package io.kvswitch.dataplane.port;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 10-byte {@code struct virtio_net_hdr} that Linux puts before a frame on AF_PACKET sockets
 * with {@code PACKET_VNET_HDR} and on TAP devices with {@code IFF_VNET_HDR}. It says what the
 * kernel left undone: a checksum to finish ({@link #FLAG_NEEDS_CSUM}) or a segmentation offload (a
 * GSO frame of up to 64 KiB to cut into {@link #gsoSize} pieces). Carrying it from port to port
 * keeps TCP between workloads at full offload speed: no checksum or segmentation is ever done in
 * Java.
 *
 * <p>Fields are little-endian (the legacy virtio layout on the little-endian hosts we run on).
 */
public final class VirtioNetHeader {

  /** Bytes in the header. */
  public static final int LENGTH = 10;

  public static final int FLAG_NEEDS_CSUM = 1;
  public static final int FLAG_DATA_VALID = 2;

  public static final int GSO_NONE = 0;
  public static final int GSO_TCPV4 = 1;
  public static final int GSO_UDP = 3;
  public static final int GSO_TCPV6 = 4;
  public static final int GSO_UDP_L4 = 5;
  public static final int GSO_ECN = 0x80;

  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

  private VirtioNetHeader() {}

  public static int flags(MemorySegment buffer, long header) {
    return buffer.get(ValueLayout.JAVA_BYTE, header) & 0xff;
  }

  public static int gsoType(MemorySegment buffer, long header) {
    return buffer.get(ValueLayout.JAVA_BYTE, header + 1) & 0xff;
  }

  /** Length of the headers in front of the payload, a hint for the receiver. */
  public static int headerLength(MemorySegment buffer, long header) {
    return buffer.get(U16, header + 2) & 0xffff;
  }

  /** Payload bytes per segment of a GSO frame. */
  public static int gsoSize(MemorySegment buffer, long header) {
    return buffer.get(U16, header + 4) & 0xffff;
  }

  /** Where checksumming starts, counted from the first byte of the Ethernet header. */
  public static int checksumStart(MemorySegment buffer, long header) {
    return buffer.get(U16, header + 6) & 0xffff;
  }

  /** Where, counted from {@link #checksumStart}, the finished checksum goes. */
  public static int checksumOffset(MemorySegment buffer, long header) {
    return buffer.get(U16, header + 8) & 0xffff;
  }

  /**
   * Shifts the offsets that count from the start of the frame, after {@code bytes} were inserted in
   * front of the L3 header (an 802.1Q tag pushed: 4).
   */
  public static void shiftOffsets(MemorySegment buffer, long header, int bytes) {
    if ((flags(buffer, header) & FLAG_NEEDS_CSUM) != 0) {
      buffer.set(U16, header + 6, (short) (checksumStart(buffer, header) + bytes));
    }
    int headerLength = headerLength(buffer, header);
    if (headerLength != 0) {
      buffer.set(U16, header + 2, (short) (headerLength + bytes));
    }
  }

  /** Writes a header that asks for nothing: a complete frame with its checksums done. */
  public static void writePlain(MemorySegment buffer, long header) {
    buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, header, 0L);
    buffer.set(U16, header + 8, (short) 0);
  }

  /** Whether the frame needs neither a checksum finished nor segmentation. */
  public static boolean isPlain(MemorySegment buffer, long header) {
    return (flags(buffer, header) & FLAG_NEEDS_CSUM) == 0 && gsoType(buffer, header) == GSO_NONE;
  }
}
