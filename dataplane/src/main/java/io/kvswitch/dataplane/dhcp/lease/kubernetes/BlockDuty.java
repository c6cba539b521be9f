package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.dataplane.dhcp.lease.BlockLedger;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;

/**
 * Which blocks of a network this node looks after: it reclaims their expired leases and projects
 * their records as {@code DhcpLease} objects. Its own blocks, blocks without a live owner (none in
 * the ledger, or an owner that has left the cluster: every node looks after those, and their
 * colliding writes cost a re-read each), and the records of reserved addresses outside the range
 * when it owns block 0 or block 0 has no live owner. So every block has a node that looks after it,
 * and usually exactly one.
 */
final class BlockDuty {

  /** Index standing for the records of reserved addresses outside the range. */
  static final int OUTSIDE_RANGE = -1;

  /** How long one answer of the ledger is used before it is read again. */
  private static final long SNAPSHOT_NANOS = 1_000_000_000L;

  private final BlockLedger ledger;
  private final String node;
  private final LongSupplier nanoClock;
  private IntPredicate snapshot;
  private long snapshotAt;

  BlockDuty(BlockLedger ledger, String node) {
    this(ledger, node, System::nanoTime);
  }

  BlockDuty(BlockLedger ledger, String node, LongSupplier nanoClock) {
    this.ledger = ledger;
    this.node = node;
    this.nanoClock = nanoClock;
  }

  /** Reads the ledger now: for a decision made once, like a reclaim. */
  IntPredicate fresh() {
    Map<Integer, String> owners = ledger.read().value();
    Set<String> departed = ledger.departedNodes(owners.values());
    return block -> {
      String owner = owners.get(block == OUTSIDE_RANGE ? 0 : block);
      return owner == null || owner.equals(node) || departed.contains(owner);
    };
  }

  /**
   * Whether this node looks after the block, from an answer of the ledger at most a second old:
   * asked for every block on every pass of the projector, which must not copy the ledger each time.
   */
  synchronized boolean looksAfter(DhcpLeaseBlock block) {
    long now = nanoClock.getAsLong();
    if (snapshot == null || now - snapshotAt >= SNAPSHOT_NANOS) {
      snapshot = fresh();
      snapshotAt = now;
    }
    Integer index = block.getSpec().getIndex();
    return snapshot.test(index == null ? OUTSIDE_RANGE : index);
  }
}
