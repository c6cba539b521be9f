package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The node's view of one network's lease records, indexed by address, client and MAC. It is fed
 * from two sides, the informer and the store's own successful writes, which may arrive in either
 * order; a record is replaced only by a newer version, so a late watch event never undoes a write
 * this node has already seen succeed.
 */
final class LeaseCache {

  private final Map<Ipv4Address, Versioned<Lease>> byAddress = new HashMap<>();
  private final Map<ClientKey, Set<Ipv4Address>> byClient = new HashMap<>();
  private final Map<MacAddress, Set<Ipv4Address>> byMac = new HashMap<>();

  synchronized Optional<Versioned<Lease>> byAddress(Ipv4Address address) {
    return Optional.ofNullable(byAddress.get(address));
  }

  synchronized Optional<Versioned<Lease>> byClient(ClientKey client) {
    return byClient.getOrDefault(client, Set.of()).stream()
        .map(byAddress::get)
        .max(
            Comparator.comparing((Versioned<Lease> v) -> v.value().state() == LeaseState.BOUND)
                .thenComparing(v -> v.value().expiresAt()));
  }

  synchronized List<Versioned<Lease>> byMac(MacAddress mac) {
    return byMac.getOrDefault(mac, Set.of()).stream().map(byAddress::get).toList();
  }

  synchronized List<Versioned<Lease>> all() {
    return List.copyOf(byAddress.values());
  }

  /** Puts a record unless the cache already holds the same or a newer version of it. */
  synchronized void put(Versioned<Lease> record) {
    Ipv4Address address = record.value().address();
    Versioned<Lease> current = byAddress.get(address);
    if (current != null) {
      if (current.version() >= record.version()) {
        return;
      }
      unindex(current);
    }
    byAddress.put(address, record);
    byClient.computeIfAbsent(record.value().client(), c -> new HashSet<>()).add(address);
    byMac.computeIfAbsent(record.value().mac(), m -> new HashSet<>()).add(address);
  }

  /** Forgets an address's record, if the cache holds no newer version than the deleted one. */
  synchronized void remove(Ipv4Address address, long deletedVersion) {
    Versioned<Lease> current = byAddress.get(address);
    if (current != null && current.version() <= deletedVersion) {
      byAddress.remove(address);
      unindex(current);
    }
  }

  private void unindex(Versioned<Lease> record) {
    Ipv4Address address = record.value().address();
    remove(byClient, record.value().client(), address);
    remove(byMac, record.value().mac(), address);
  }

  private static <K> void remove(Map<K, Set<Ipv4Address>> index, K key, Ipv4Address address) {
    Set<Ipv4Address> addresses = index.get(key);
    if (addresses != null) {
      addresses.remove(address);
      if (addresses.isEmpty()) {
        index.remove(key);
      }
    }
  }
}
