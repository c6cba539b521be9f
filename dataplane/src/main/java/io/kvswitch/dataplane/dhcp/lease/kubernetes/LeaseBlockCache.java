package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's view of one network's {@link DhcpLeaseBlock}s, and the address, client and MAC indexes
 * of the records in them. Fed by the informer and by the store's own writes, in either order: a
 * block is replaced only by a higher resourceVersion, so a late watch event never undoes a write
 * already seen. A record that a newer version of its block no longer holds leaves the indexes.
 */
final class LeaseBlockCache {

  private record Cached(
      DhcpLeaseBlock object, long version, Map<Ipv4Address, Versioned<Lease>> records) {}

  private final Map<String, Cached> blocks = new HashMap<>();
  private final LeaseCache leases = new LeaseCache();
  private final LongAdder malformedRecords = new LongAdder();

  Optional<Versioned<Lease>> byAddress(Ipv4Address address) {
    return leases.byAddress(address);
  }

  Optional<Versioned<Lease>> byClient(ClientKey client) {
    return leases.byClient(client);
  }

  List<Versioned<Lease>> byMac(MacAddress mac) {
    return leases.byMac(mac);
  }

  List<Versioned<Lease>> all() {
    return leases.all();
  }

  /** The cached object of a block, if this node has seen it. */
  synchronized Optional<DhcpLeaseBlock> block(String name) {
    return Optional.ofNullable(blocks.get(name)).map(Cached::object);
  }

  /** Every cached block object. */
  synchronized List<DhcpLeaseBlock> blocks() {
    return blocks.values().stream().map(Cached::object).toList();
  }

  /**
   * The records a block object holds, by address; malformed ones are left out (they are counted
   * once, when the block enters the cache). A record that cannot be read is treated as no record:
   * the next write of its address replaces it.
   */
  Map<Ipv4Address, Versioned<Lease>> records(DhcpLeaseBlock object) {
    return readRecords(object, false);
  }

  private Map<Ipv4Address, Versioned<Lease>> readRecords(DhcpLeaseBlock object, boolean count) {
    Map<Ipv4Address, Versioned<Lease>> records = new HashMap<>();
    for (Map.Entry<String, DhcpLeaseRecord> entry : object.getSpec().getRecords().entrySet()) {
      try {
        Versioned<Lease> record = LeaseBlockObjects.fromRecord(entry.getKey(), entry.getValue());
        records.put(record.value().address(), record);
      } catch (RuntimeException e) {
        if (count) {
          malformedRecords.increment();
        }
      }
    }
    return records;
  }

  /**
   * Puts a block unless the cache holds the same or a newer version of it.
   *
   * @throws IllegalArgumentException when the object has no spec or no numeric resourceVersion
   */
  synchronized void put(DhcpLeaseBlock object) {
    if (object.getSpec() == null) {
      throw new IllegalArgumentException(
          "DhcpLeaseBlock " + object.getMetadata().getName() + " has no spec");
    }
    long version = LeaseBlockObjects.version(object);
    String name = object.getMetadata().getName();
    Cached current = blocks.get(name);
    if (current != null && current.version() >= version) {
      return;
    }
    Map<Ipv4Address, Versioned<Lease>> records = readRecords(object, true);
    if (current != null) {
      for (Versioned<Lease> gone : current.records().values()) {
        if (!records.containsKey(gone.value().address())) {
          leases.remove(gone.value().address(), gone.version());
        }
      }
    }
    records.values().forEach(leases::put);
    blocks.put(name, new Cached(object, version, records));
  }

  /** Forgets a deleted block and its records, unless the cache holds a newer version of it. */
  synchronized void remove(DhcpLeaseBlock object) {
    String name = object.getMetadata().getName();
    Cached current = blocks.get(name);
    if (current == null || current.version() > LeaseBlockObjects.version(object)) {
      return;
    }
    blocks.remove(name);
    for (Versioned<Lease> gone : current.records().values()) {
      leases.remove(gone.value().address(), gone.version());
    }
  }

  long malformedRecords() {
    return malformedRecords.sum();
  }
}
