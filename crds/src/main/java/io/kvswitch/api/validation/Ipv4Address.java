package io.kvswitch.api.validation;

/** Strict dotted-quad parsing, as Kubernetes' CEL {@code ip()} does it: no leading zeros. */
final class Ipv4Address {

  private Ipv4Address() {}

  static int parse(String text) {
    String[] octets = text.split("\\.", -1);
    if (octets.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + text);
    }
    int value = 0;
    for (String octet : octets) {
      if (octet.isEmpty()
          || octet.length() > 3
          || (octet.length() > 1 && octet.charAt(0) == '0')
          || !octet.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      int number = Integer.parseInt(octet);
      if (number > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + text);
      }
      value = (value << 8) | number;
    }
    return value;
  }

  static boolean isIpv4(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
