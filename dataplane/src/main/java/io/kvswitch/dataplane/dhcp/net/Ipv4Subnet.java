package io.kvswitch.dataplane.dhcp.net;

/**
 * An IPv4 prefix such as 10.0.0.0/24.
 *
 * @param network the first address; host bits must be zero
 * @param prefixLength 0 to 32
 */
public record Ipv4Subnet(Ipv4Address network, int prefixLength) {

  public Ipv4Subnet {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length must be 0..32, was " + prefixLength);
    }
    if ((network.value() & ~maskBits(prefixLength)) != 0) {
      throw new IllegalArgumentException(
          "host bits set in "
              + network
              + "/"
              + prefixLength
              + "; did you mean "
              + new Ipv4Address(network.value() & maskBits(prefixLength))
              + "/"
              + prefixLength
              + "?");
    }
  }

  /** Parses CIDR text such as {@code 10.1.0.0/16}. */
  public static Ipv4Subnet parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not CIDR notation (a.b.c.d/len): " + cidr);
    }
    int length;
    try {
      length = Integer.parseInt(cidr.substring(slash + 1).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not CIDR notation (a.b.c.d/len): " + cidr, e);
    }
    return new Ipv4Subnet(Ipv4Address.parse(cidr.substring(0, slash)), length);
  }

  private static int maskBits(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  /** The netmask, e.g. 255.255.255.0 for a /24. */
  public Ipv4Address mask() {
    return new Ipv4Address(maskBits(prefixLength));
  }

  /** The all-ones host address (the directed broadcast). */
  public Ipv4Address broadcast() {
    return new Ipv4Address(network.value() | ~maskBits(prefixLength));
  }

  public boolean contains(Ipv4Address address) {
    return (address.value() & maskBits(prefixLength)) == network.value();
  }

  /**
   * Whether {@code address} is a usable host address: inside, and neither network nor broadcast.
   */
  public boolean isHost(Ipv4Address address) {
    if (!contains(address)) {
      return false;
    }
    if (prefixLength >= 31) {
      return true; // RFC 3021: both addresses of a /31 are hosts
    }
    return !address.equals(network) && !address.equals(broadcast());
  }

  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }
}
