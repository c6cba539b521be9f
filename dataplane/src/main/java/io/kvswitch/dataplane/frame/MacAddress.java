package io.kvswitch.dataplane.frame;

import java.util.HexFormat;
import java.util.Locale;

/**
 * MAC addresses as the low 48 bits of a {@code long}, first octet most significant, so the
 * forwarding path can compare and hash them without objects.
 */
public final class MacAddress {

  public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
  private static final long MASK = 0xFFFF_FFFF_FFFFL;
  private static final long GROUP_BIT = 1L << 40;

  /** 01:80:C2:00:00:00 to :0F, which IEEE 802.1D says a bridge never forwards (STP, LACP, LLDP). */
  private static final long LINK_LOCAL_PREFIX = 0x0180_C200_0000L;

  private MacAddress() {}

  /** Whether the address is a group address (multicast, including broadcast). */
  public static boolean isMulticast(long mac) {
    return (mac & GROUP_BIT) != 0;
  }

  public static boolean isBroadcast(long mac) {
    return mac == BROADCAST;
  }

  /** Whether the address is in the IEEE 802.1D reserved block that bridges must not forward. */
  public static boolean isLinkLocalControl(long mac) {
    return (mac & ~0xFL) == LINK_LOCAL_PREFIX;
  }

  /**
   * Parses {@code aa:bb:cc:dd:ee:ff} (or with '-').
   *
   * @throws IllegalArgumentException when the text is not a MAC address
   */
  public static long parse(String text) {
    String[] parts = text.trim().split("[:-]", -1);
    if (parts.length != 6) {
      throw new IllegalArgumentException("not a MAC address (want aa:bb:cc:dd:ee:ff): " + text);
    }
    long mac = 0;
    for (String part : parts) {
      if (part.length() != 2
          || !HexFormat.isHexDigit(part.charAt(0))
          || !HexFormat.isHexDigit(part.charAt(1))) {
        throw new IllegalArgumentException("not a MAC address (want aa:bb:cc:dd:ee:ff): " + text);
      }
      mac = (mac << 8) | HexFormat.fromHexDigits(part);
    }
    return mac;
  }

  /** Formats as lower-case {@code aa:bb:cc:dd:ee:ff}. */
  public static String format(long mac) {
    StringBuilder text = new StringBuilder(17);
    for (int shift = 40; shift >= 0; shift -= 8) {
      text.append(HexFormat.of().toHexDigits((byte) (mac >>> shift)));
      if (shift > 0) {
        text.append(':');
      }
    }
    return text.toString().toLowerCase(Locale.ROOT);
  }

  /** Keeps only the 48 address bits. */
  public static long of(long value) {
    return value & MASK;
  }
}
