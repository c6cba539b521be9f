package io.kvswitch.dataplane.dhcp.lease;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link LeaseStore} in memory with the semantics of the Kubernetes-backed one: one record per
 * address, conditional writes, per-write conflicts inside a batch. Used by tests and by the
 * standalone server; it can simulate concurrent writers and an unreachable API.
 */
public final class InMemoryLeaseStore implements LeaseStore {

  private final Map<Ipv4Address, Versioned<Lease>> records = new HashMap<>();
  private final AddressIndex<ClientKey> addressesByClient = new AddressIndex<>();
  private final AddressIndex<MacAddress> addressesByMac = new AddressIndex<>();
  private long nextVersion = 1;
  private int conflictsToSimulate;
  private boolean available = true;
  private long batches;
  private long writes;
  private volatile Consumer<List<LeaseWrite>> beforeWrite = batch -> {};

  @Override
  public synchronized Optional<Versioned<Lease>> byAddress(Ipv4Address address) {
    return Optional.ofNullable(records.get(address));
  }

  @Override
  public synchronized Optional<Versioned<Lease>> byClient(ClientKey client) {
    // A bound record before any other, then the one that expires last.
    Versioned<Lease> best = null;
    for (Ipv4Address address : addressesByClient.get(client)) {
      Versioned<Lease> record = records.get(address);
      if (best == null || ranksAbove(record.value(), best.value())) {
        best = record;
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean ranksAbove(Lease a, Lease b) {
    boolean aBound = a.state() == LeaseState.BOUND;
    boolean bBound = b.state() == LeaseState.BOUND;
    return aBound != bBound ? aBound : a.expiresAt().isAfter(b.expiresAt());
  }

  @Override
  public synchronized List<Versioned<Lease>> byMac(MacAddress mac) {
    Ipv4Address[] addresses = addressesByMac.get(mac);
    List<Versioned<Lease>> found = new ArrayList<>(addresses.length);
    for (Ipv4Address address : addresses) {
      found.add(records.get(address));
    }
    return found;
  }

  @Override
  public List<WriteOutcome> write(List<LeaseWrite> batch) {
    // Outside the lock, like a network round trip: other readers and writers go on meanwhile.
    beforeWrite.accept(batch);
    synchronized (this) {
      if (!available) {
        throw new LeaseStoreUnavailableException("lease store is unreachable (simulated)");
      }
      batches++;
      List<WriteOutcome> outcomes = new ArrayList<>(batch.size());
      for (LeaseWrite write : batch) {
        outcomes.add(writeOne(write));
      }
      return List.copyOf(outcomes);
    }
  }

  private WriteOutcome writeOne(LeaseWrite write) {
    writes++;
    Ipv4Address address = write.lease().address();
    Versioned<Lease> current = records.get(address);
    if (conflictsToSimulate > 0) {
      conflictsToSimulate--;
      if (current != null) {
        // Another writer touched the record in between: same content, newer version.
        current = new Versioned<>(current.value(), nextVersion++);
        records.put(address, current);
      }
      return new WriteOutcome.Conflict(Optional.ofNullable(current));
    }
    long currentVersion = current == null ? LeaseWrite.CREATE : current.version();
    if (currentVersion != write.expectedVersion()) {
      return new WriteOutcome.Conflict(Optional.ofNullable(current));
    }
    if (current != null) {
      addressesByClient.remove(current.value().client(), address);
      addressesByMac.remove(current.value().mac(), address);
    }
    Versioned<Lease> stored = new Versioned<>(write.lease(), nextVersion++);
    records.put(address, stored);
    addressesByClient.add(write.lease().client(), address);
    addressesByMac.add(write.lease().mac(), address);
    return new WriteOutcome.Committed(stored);
  }

  /**
   * Removes an address's record, as when somebody deletes a lease object from the API: the address
   * is free again and was, as far as the store knows, never leased.
   */
  public synchronized void forget(Ipv4Address address) {
    Versioned<Lease> current = records.remove(address);
    if (current != null) {
      addressesByClient.remove(current.value().client(), address);
      addressesByMac.remove(current.value().mac(), address);
    }
  }

  /** The next {@code count} writes conflict as if another node had just written the record. */
  public synchronized void simulateConflicts(int count) {
    conflictsToSimulate = count;
  }

  /** While false, every batch fails with {@link LeaseStoreUnavailableException}. */
  public synchronized void setAvailable(boolean available) {
    this.available = available;
  }

  /** Runs before each batch is applied, outside the store's lock (tests hold batches here). */
  public void beforeWrite(Consumer<List<LeaseWrite>> hook) {
    this.beforeWrite = hook;
  }

  /** Batches applied so far (round trips to the backend). */
  public synchronized long batches() {
    return batches;
  }

  /** Single writes applied so far, committed or conflicting. */
  public synchronized long writes() {
    return writes;
  }

  /** A copy of every record. */
  public synchronized List<Versioned<Lease>> all() {
    return List.copyOf(records.values());
  }
}
