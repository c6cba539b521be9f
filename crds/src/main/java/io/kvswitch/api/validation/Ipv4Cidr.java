package io.kvswitch.api.validation;

/**
 * An IPv4 prefix as Kubernetes' CEL {@code net.CIDR} type sees it: the address keeps its host bits
 * until {@link #masked()} clears them, so {@code cidr(s) == cidr(s).masked()} tells whether {@code
 * s} is a network address.
 */
record Ipv4Cidr(int address, int prefixLength) {

  static Ipv4Cidr parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR: " + text);
    }
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR: " + text, e);
    }
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix length out of range: " + text);
    }
    return new Ipv4Cidr(Ipv4Address.parse(text.substring(0, slash)), prefix);
  }

  static boolean isCidr(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  int mask() {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  Ipv4Cidr masked() {
    return new Ipv4Cidr(address & mask(), prefixLength);
  }

  boolean contains(int ip) {
    return (ip & mask()) == (address & mask());
  }

  boolean contains(Ipv4Cidr other) {
    return other.prefixLength >= prefixLength && contains(other.address);
  }
}
