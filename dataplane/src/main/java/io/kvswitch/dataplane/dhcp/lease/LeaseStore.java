package io.kvswitch.dataplane.dhcp.lease;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.List;
import java.util.Optional;

/**
 * The cluster-wide lease records of one network: the service provider interface that the agent
 * implements over the Kubernetes API (one object per address, named after it).
 *
 * <p><b>Reads</b> come from the store's local view (an informer cache in the agent), so they are
 * cheap enough for the packet path and may be slightly stale. Staleness is harmless because of the
 * write contract.
 *
 * <p><b>Writes</b> are conditional on the version the caller read (a resourceVersion precondition):
 * a write against a stale version fails with {@link WriteOutcome.Conflict}, so two nodes can never
 * both believe they wrote the same address. {@link #write} returns only when the committed writes
 * are durable; a server sends an ACK only after that. A successful write is visible to this store's
 * own reads at once (write-through), before the watch catches up.
 */
public interface LeaseStore {

  /** The record of an address, if there is one. */
  Optional<Versioned<Lease>> byAddress(Ipv4Address address);

  /** The client's most recent record (the one expiring last), if it has one. */
  Optional<Versioned<Lease>> byClient(ClientKey client);

  /** Every record of a hardware address, whatever client identifiers it used. */
  List<Versioned<Lease>> byMac(MacAddress mac);

  /**
   * Writes a batch. Each write succeeds or conflicts on its own; a batch is one round trip to the
   * backend, which is what makes group commit cheap.
   *
   * @return one outcome per write, in order
   * @throws LeaseStoreUnavailableException when the backend cannot be reached; nothing of the batch
   *     was written
   */
  List<WriteOutcome> write(List<LeaseWrite> writes);
}
