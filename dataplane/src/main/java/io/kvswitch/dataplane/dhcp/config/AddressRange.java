package io.kvswitch.dataplane.dhcp.config;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;

/**
 * The addresses the server may hand out dynamically, both ends included.
 *
 * @param first lowest address of the range
 * @param last highest address of the range, not below {@code first}
 */
public record AddressRange(Ipv4Address first, Ipv4Address last) {

  public AddressRange {
    if (first.compareTo(last) > 0) {
      throw new IllegalArgumentException("range start " + first + " is after its end " + last);
    }
  }

  public static AddressRange parse(String first, String last) {
    return new AddressRange(Ipv4Address.parse(first), Ipv4Address.parse(last));
  }

  public boolean contains(Ipv4Address address) {
    return first.compareTo(address) <= 0 && address.compareTo(last) <= 0;
  }

  /** How many addresses the range holds. */
  public long size() {
    return last.unsigned() - first.unsigned() + 1;
  }

  /** The {@code index}-th address, counting from {@code first} at 0. */
  public Ipv4Address get(long index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException(index);
    }
    return first.plus(index);
  }

  /** Position of an address inside the range. */
  public long indexOf(Ipv4Address address) {
    if (!contains(address)) {
      throw new IllegalArgumentException(address + " is outside " + this);
    }
    return address.unsigned() - first.unsigned();
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
