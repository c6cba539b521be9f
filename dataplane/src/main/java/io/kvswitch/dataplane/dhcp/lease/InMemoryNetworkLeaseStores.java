package io.kvswitch.dataplane.dhcp.lease;

import io.kvswitch.dataplane.dhcp.config.AddressRange;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lease stores in memory, one per network, shared by every server opened from this object: two
 * simulated nodes that open the same network see each other's leases and blocks, as two agents
 * sharing the Kubernetes API do.
 */
public final class InMemoryNetworkLeaseStores implements NetworkLeaseStores {

  private final Map<String, Shared> networks = new ConcurrentHashMap<>();

  @Override
  public NetworkLeases open(String namespace, String network, AddressRange range, int blockSize) {
    Shared shared =
        networks.computeIfAbsent(
            namespace + "/" + network,
            key -> new Shared(new InMemoryLeaseStore(), new InMemoryBlockLedger()));
    return new NetworkLeases() {
      @Override
      public LeaseStore store() {
        return shared.store();
      }

      @Override
      public BlockLedger ledger() {
        return shared.ledger();
      }

      @Override
      public int reclaimExpired(Instant now) {
        return 0;
      }

      @Override
      public void close() {
        // Shared with the other nodes; the records stay, as they do in the API server.
      }
    };
  }

  /** The store of a network, once some server opened it. */
  public InMemoryLeaseStore store(String namespace, String network) {
    Shared shared = networks.get(namespace + "/" + network);
    if (shared == null) {
      throw new IllegalArgumentException("no server opened " + namespace + "/" + network);
    }
    return shared.store();
  }

  private record Shared(InMemoryLeaseStore store, InMemoryBlockLedger ledger) {}
}
