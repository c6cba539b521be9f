package io.kvswitch.dataplane.dhcp.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address held as its 32-bit value, so that pools can do arithmetic on it and hash it
 * without touching {@link InetAddress} (which may resolve names and allocates).
 *
 * @param value the address in network order as an unsigned 32-bit number held in an int
 */
public record Ipv4Address(int value) implements Comparable<Ipv4Address> {

  /** 0.0.0.0, the "no address" value of the BOOTP header fields. */
  public static final Ipv4Address ANY = new Ipv4Address(0);

  /** 255.255.255.255, the limited broadcast address. */
  public static final Ipv4Address BROADCAST = new Ipv4Address(-1);

  /** Parses dotted-quad text; never does a name lookup. */
  public static Ipv4Address parse(String text) {
    String[] parts = text.trim().split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + text);
    }
    int value = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      value = (value << 8) | octet;
    }
    return new Ipv4Address(value);
  }

  /** Reads four bytes in network order. */
  public static Ipv4Address of(byte[] bytes, int offset) {
    return new Ipv4Address(
        (bytes[offset] & 0xff) << 24
            | (bytes[offset + 1] & 0xff) << 16
            | (bytes[offset + 2] & 0xff) << 8
            | (bytes[offset + 3] & 0xff));
  }

  /** Converts from the JDK type. */
  public static Ipv4Address of(Inet4Address address) {
    return of(address.getAddress(), 0);
  }

  /** The four bytes in network order. */
  public byte[] toBytes() {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  /** The JDK type, for socket APIs. */
  public Inet4Address toInetAddress() {
    try {
      return (Inet4Address) InetAddress.getByAddress(toBytes());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always a valid IPv4 address", e);
    }
  }

  /** The value as an unsigned number, for arithmetic across the 2^31 boundary. */
  public long unsigned() {
    return Integer.toUnsignedLong(value);
  }

  /** The address {@code delta} further on. */
  public Ipv4Address plus(long delta) {
    return new Ipv4Address((int) (unsigned() + delta));
  }

  public boolean isAny() {
    return value == 0;
  }

  @Override
  public int compareTo(Ipv4Address other) {
    return Integer.compareUnsigned(value, other.value);
  }

  @Override
  public String toString() {
    return (value >>> 24)
        + "."
        + ((value >>> 16) & 0xff)
        + "."
        + ((value >>> 8) & 0xff)
        + "."
        + (value & 0xff);
  }
}
