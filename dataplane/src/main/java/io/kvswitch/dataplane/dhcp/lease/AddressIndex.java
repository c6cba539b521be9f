package io.kvswitch.dataplane.dhcp.lease;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses recorded under each key (a client, a MAC), for {@link InMemoryLeaseStore}. Almost
 * every key has exactly one address, so that is held as the address itself and only a key with
 * several gets an array: a set per key would cost about 200 bytes per lease, and every lease lives
 * long enough for the garbage collector to copy it. Not thread-safe; the store locks.
 */
final class AddressIndex<K> {

  /** Per key an {@link Ipv4Address}, or an {@code Ipv4Address[]} of two or more, never empty. */
  private final Map<K, Object> addresses = new HashMap<>();

  void add(K key, Ipv4Address address) {
    Object held = addresses.get(key);
    if (held == null) {
      addresses.put(key, address);
    } else if (held instanceof Ipv4Address one) {
      if (!one.equals(address)) {
        addresses.put(key, new Ipv4Address[] {one, address});
      }
    } else {
      Ipv4Address[] several = (Ipv4Address[]) held;
      if (!List.of(several).contains(address)) {
        Ipv4Address[] grown = Arrays.copyOf(several, several.length + 1);
        grown[several.length] = address;
        addresses.put(key, grown);
      }
    }
  }

  void remove(K key, Ipv4Address address) {
    Object held = addresses.get(key);
    if (held instanceof Ipv4Address one) {
      if (one.equals(address)) {
        addresses.remove(key);
      }
    } else if (held instanceof Ipv4Address[] several) {
      Ipv4Address[] kept = new Ipv4Address[several.length];
      int count = 0;
      for (Ipv4Address a : several) {
        if (!a.equals(address)) {
          kept[count++] = a;
        }
      }
      if (count == 1) {
        addresses.put(key, kept[0]);
      } else if (count < several.length) {
        addresses.put(key, Arrays.copyOf(kept, count));
      }
    }
  }

  /** The key's addresses; empty when it has none. The array is the caller's. */
  Ipv4Address[] get(K key) {
    Object held = addresses.get(key);
    if (held == null) {
      return new Ipv4Address[0];
    }
    return held instanceof Ipv4Address one
        ? new Ipv4Address[] {one}
        : ((Ipv4Address[]) held).clone();
  }
}
