package io.kvswitch.dataplane.dhcp.lease;

import java.util.Map;

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
}
