package io.kvswitch.dataplane.frame;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reads and writes Ethernet II and IEEE 802.1Q header fields in place.
 *
 * <p>Frames sit at arbitrary offsets inside ring slots, so every access uses unaligned big-endian
 * layouts; nothing here allocates.
 */
public final class EthernetFrame {

  /** Destination MAC, source MAC, EtherType. */
  public static final int HEADER_LENGTH = 14;

  /** The 802.1Q tag: TPID plus TCI. */
  public static final int TAG_LENGTH = 4;

  public static final int TAGGED_HEADER_LENGTH = HEADER_LENGTH + TAG_LENGTH;
  public static final int DESTINATION_OFFSET = 0;
  public static final int SOURCE_OFFSET = 6;
  public static final int ETHERTYPE_OFFSET = 12;
  public static final int TCI_OFFSET = 14;
  public static final int ETHERTYPE_VLAN = 0x8100;

  /** VLAN 4095 is reserved by IEEE 802.1Q and never carried on the wire. */
  public static final int VID_RESERVED = 0xFFF;

  public static final int VID_MASK = 0xFFF;

  static final ValueLayout.OfShort U16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private EthernetFrame() {}

  public static long destination(MemorySegment frame, long offset) {
    return readMac(frame, offset + DESTINATION_OFFSET);
  }

  public static long source(MemorySegment frame, long offset) {
    return readMac(frame, offset + SOURCE_OFFSET);
  }

  /** The outer EtherType (0x8100 when the frame carries an 802.1Q tag). */
  public static int etherType(MemorySegment frame, long offset) {
    return readU16(frame, offset + ETHERTYPE_OFFSET);
  }

  /** The tag control information of a tagged frame: PCP (3 bits), DEI (1), VID (12). */
  public static int tci(MemorySegment frame, long offset) {
    return readU16(frame, offset + TCI_OFFSET);
  }

  public static long readMac(MemorySegment segment, long at) {
    long high = segment.get(U32, at) & 0xFFFF_FFFFL;
    long low = segment.get(U16, at + 4) & 0xFFFFL;
    return (high << 16) | low;
  }

  public static void writeMac(MemorySegment segment, long at, long mac) {
    segment.set(U32, at, (int) (mac >>> 16));
    segment.set(U16, at + 4, (short) mac);
  }

  public static int readU16(MemorySegment segment, long at) {
    return segment.get(U16, at) & 0xFFFF;
  }

  public static void writeU16(MemorySegment segment, long at, int value) {
    segment.set(U16, at, (short) value);
  }
}
