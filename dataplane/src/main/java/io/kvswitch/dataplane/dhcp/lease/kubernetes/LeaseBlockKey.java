package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;

/**
 * Which {@link DhcpLeaseBlock} holds an address's record: the aligned block of {@code blockSize}
 * addresses (a power of two) that contains it. The cut depends on the address alone, not on the
 * network's DHCP range, so a range changed by an edit of the VlanNetwork never moves a record to
 * another object (two objects holding records of one address could each let a different client
 * commit it). Reserved addresses outside the range fall into their aligned blocks like the others.
 *
 * @param name the object's name
 * @param first the first address of the block
 * @param last the last address of the block
 */
record LeaseBlockKey(String name, Ipv4Address first, Ipv4Address last) {

  static LeaseBlockKey of(String network, int blockSize, Ipv4Address address) {
    int mask = -blockSize;
    Ipv4Address first = new Ipv4Address(address.value() & mask);
    int prefixLength = 32 - Integer.numberOfTrailingZeros(blockSize);
    return new LeaseBlockKey(
        DhcpLeaseBlock.nameOf(network, first.toString(), prefixLength),
        first,
        first.plus(blockSize - 1L));
  }

  boolean contains(Ipv4Address address) {
    return address.unsigned() >= first.unsigned() && address.unsigned() <= last.unsigned();
  }

  String rangeText() {
    return first + "-" + last;
  }
}
