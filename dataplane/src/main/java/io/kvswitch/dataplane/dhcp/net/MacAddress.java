package io.kvswitch.dataplane.dhcp.net;

import java.util.HexFormat;

/**
 * A 48-bit Ethernet address held in a long, so it hashes and compares without arrays.
 *
 * @param value the address in the low 48 bits
 */
public record MacAddress(long value) {

  public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

  public MacAddress {
    if ((value & ~0xffff_ffff_ffffL) != 0) {
      throw new IllegalArgumentException("a MAC address has 48 bits");
    }
  }

  /** Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes), case-insensitive. */
  public static MacAddress parse(String text) {
    String[] parts = text.trim().split("[:-]", -1);
    if (parts.length != 6) {
      throw new IllegalArgumentException("not a MAC address: " + text);
    }
    long value = 0;
    for (String part : parts) {
      if (part.length() != 2) {
        throw new IllegalArgumentException("not a MAC address: " + text);
      }
      try {
        value = (value << 8) | HexFormat.fromHexDigits(part);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a MAC address: " + text, e);
      }
    }
    return new MacAddress(value);
  }

  /** Reads six bytes. */
  public static MacAddress of(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 6; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xff);
    }
    return new MacAddress(value);
  }

  public byte[] toBytes() {
    byte[] bytes = new byte[6];
    for (int i = 0; i < 6; i++) {
      bytes[i] = (byte) (value >>> (40 - 8 * i));
    }
    return bytes;
  }

  public boolean isBroadcast() {
    return value == BROADCAST.value;
  }

  /** Group (multicast or broadcast) addresses have the I/G bit set in the first octet. */
  public boolean isMulticast() {
    return (value & 0x0100_0000_0000L) != 0;
  }

  @Override
  public String toString() {
    return HexFormat.ofDelimiter(":").formatHex(toBytes());
  }
}
