package io.kvswitch.dataplane.tunnel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 8-byte VXLAN header (RFC 7348 §5): flags (only I, 0x08, set), 24 reserved bits, the 24-bit
 * VNI, 8 reserved bits. Read and written in place, big-endian, at any alignment.
 */
public final class VxlanHeader {

  public static final int LENGTH = 8;

  /** The I flag: the VNI is valid. RFC 7348 requires it set and every other flag bit zero. */
  public static final int FLAG_VNI_VALID = 0x08;

  /** IANA's port for VXLAN. */
  public static final int DEFAULT_UDP_PORT = 4789;

  /**
   * Outer IPv4 (20), UDP (8) and VXLAN (8) headers: an inner frame of {@code n} bytes (its own
   * Ethernet header included) makes an underlay IP packet of {@code n + 36}. With the outer
   * Ethernet header this is the usual "50 bytes of VXLAN overhead" against the inner IP packet.
   */
  public static final int IPV4_ENCAPSULATION_OVERHEAD = 20 + 8 + LENGTH;

  public static final int MAX_VNI = (1 << 24) - 1;

  private static final ValueLayout.OfInt INT_BE =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

  private VxlanHeader() {}

  /** Writes a header carrying {@code vni} at {@code offset}. */
  public static void write(MemorySegment buffer, long offset, int vni) {
    buffer.set(INT_BE, offset, FLAG_VNI_VALID << 24);
    buffer.set(INT_BE, offset + 4, vni << 8);
  }

  /**
   * Whether the flags byte is exactly the I flag. RFC 7348 says receivers ignore the reserved flag
   * bits, but extensions (VXLAN-GPE, GBP) set them to say the payload or header means something
   * else; like Linux, a VTEP that speaks none of them drops such packets rather than hand a foreign
   * payload to the switch. The 24 and 8 reserved bits around the VNI are ignored.
   */
  public static boolean hasValidFlags(int firstWord) {
    return firstWord >>> 24 == FLAG_VNI_VALID;
  }

  /** The VNI from the second word. */
  public static int vni(int secondWord) {
    return secondWord >>> 8;
  }
}
