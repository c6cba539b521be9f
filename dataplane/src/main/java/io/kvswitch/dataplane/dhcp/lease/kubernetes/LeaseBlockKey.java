package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.dataplane.dhcp.config.AddressRange;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;

/**
 * Which {@link DhcpLeaseBlock} holds an address's record: the block of the range it falls in (the
 * same cut as the {@link io.kvswitch.dataplane.dhcp.lease.BlockAllocator}'s, so a node allocating
 * from its own block writes one object), or, for a reserved address outside the range, the object
 * of its /24.
 *
 * @param name the object's name
 * @param index the block's index in the range, or -1 for the records outside it
 * @param first the first address the object may hold
 * @param last the last address the object may hold
 */
record LeaseBlockKey(String name, int index, Ipv4Address first, Ipv4Address last) {

  static LeaseBlockKey of(String network, AddressRange range, int blockSize, Ipv4Address address) {
    if (range.contains(address)) {
      int index = (int) (range.indexOf(address) / blockSize);
      Ipv4Address first = range.get((long) index * blockSize);
      long lastOffset = Math.min((long) index * blockSize + blockSize - 1, range.size() - 1);
      return new LeaseBlockKey(
          DhcpLeaseBlock.nameOf(network, index), index, first, range.get(lastOffset));
    }
    Ipv4Address first = new Ipv4Address(address.value() & 0xffffff00);
    String prefix = first.toString().substring(0, first.toString().lastIndexOf('.'));
    return new LeaseBlockKey(
        DhcpLeaseBlock.fixedNameOf(network, prefix), -1, first, first.plus(255));
  }

  boolean contains(Ipv4Address address) {
    return address.unsigned() >= first.unsigned() && address.unsigned() <= last.unsigned();
  }

  String rangeText() {
    return first + "-" + last;
  }
}
