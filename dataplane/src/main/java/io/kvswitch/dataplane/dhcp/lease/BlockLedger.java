package io.kvswitch.dataplane.dhcp.lease;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Which node owns which block of a network's dynamic range, cluster-wide (the agent keeps one
 * object per network listing the owners, updated with a resourceVersion precondition).
 *
 * <p>A node hands out new addresses from its own blocks first, so nodes rarely race for an address;
 * the per-address write in {@link LeaseStore} stays the guarantee when they do.
 */
public interface BlockLedger {

  /** The owner of every claimed block, by block index, at one version of the ledger. */
  Versioned<Map<Integer, String>> read();

  /**
   * Claims an unowned block for a node.
   *
   * @param expectedVersion the ledger version the caller read
   * @throws LeaseConflictException when the ledger changed since, or the block is owned
   * @throws LeaseStoreUnavailableException when the backend cannot be reached
   */
  void claim(int block, String node, long expectedVersion) throws LeaseConflictException;

  /**
   * The nodes among {@code owners} that have left the cluster, whose blocks another node may take
   * over. Asked only when every block has an owner, so an implementation may ask the cluster.
   * Without a way to tell, none.
   */
  default Set<String> departedNodes(Collection<String> owners) {
    return Set.of();
  }

  /**
   * Takes a block over from a node that has left the cluster, so that its free addresses are handed
   * out again. The leases inside stay valid: they are separate records, and their clients get the
   * same addresses back from any node.
   *
   * @param expectedVersion the ledger version the caller read
   * @throws LeaseConflictException when the ledger changed since, or {@code departedNode} no longer
   *     owns the block
   * @throws LeaseStoreUnavailableException when the backend cannot be reached
   */
  default void takeOver(int block, String departedNode, String node, long expectedVersion)
      throws LeaseConflictException {
    throw new LeaseConflictException("this ledger cannot take blocks over");
  }
}
