package io.kvswitch.dataplane.dhcp.lease;

import java.util.HashMap;
import java.util.Map;

/** A {@link BlockLedger} in memory, with the same conditional-write semantics as the real one. */
public final class InMemoryBlockLedger implements BlockLedger {

  private final Map<Integer, String> owners = new HashMap<>();
  private long version = 1;
  private boolean available = true;

  @Override
  public synchronized Versioned<Map<Integer, String>> read() {
    requireAvailable();
    return new Versioned<>(Map.copyOf(owners), version);
  }

  @Override
  public synchronized void claim(int block, String node, long expectedVersion)
      throws LeaseConflictException {
    requireAvailable();
    if (expectedVersion != version) {
      throw new LeaseConflictException(
          "block ledger is at version " + version + ", not " + expectedVersion);
    }
    String owner = owners.get(block);
    if (owner != null) {
      throw new LeaseConflictException("block " + block + " is owned by " + owner);
    }
    owners.put(block, node);
    version++;
  }

  /** While false, every call fails with {@link LeaseStoreUnavailableException}. */
  public synchronized void setAvailable(boolean available) {
    this.available = available;
  }

  private void requireAvailable() {
    if (!available) {
      throw new LeaseStoreUnavailableException("block ledger is unreachable (simulated)");
    }
  }
}
