package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.kvswitch.dataplane.dhcp.config.AddressRange;
import io.kvswitch.dataplane.dhcp.lease.BlockLedger;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Which addresses of a network this node looks after: it reclaims their expired leases and projects
 * their records as {@code DhcpLease} objects. The addresses of its own allocation blocks (the
 * ledger's {@code AddressBlock}s), of blocks without a live owner (none in the ledger, or an owner
 * that has left the cluster: every node looks after those, and their colliding writes cost a
 * re-read each), and reserved addresses outside the range when it owns block 0 or block 0 has no
 * live owner. So every address has a node that looks after it, and usually exactly one.
 */
final class BlockDuty implements LeaseProjector.Scope {

  /** How long one answer of the ledger is used before it is read again. */
  private static final long SNAPSHOT_NANOS = 1_000_000_000L;

  private final BlockLedger ledger;
  private final AddressRange range;
  private final int blockSize;
  private final String node;
  private final LongSupplier nanoClock;
  private Snapshot snapshot;
  private long snapshotAt;
  private long version;

  BlockDuty(BlockLedger ledger, AddressRange range, int blockSize, String node) {
    this(ledger, range, blockSize, node, System::nanoTime);
  }

  BlockDuty(
      BlockLedger ledger, AddressRange range, int blockSize, String node, LongSupplier nanoClock) {
    this.ledger = ledger;
    this.range = range;
    this.blockSize = blockSize;
    this.node = node;
    this.nanoClock = nanoClock;
  }

  /** The owners and departed nodes of one reading of the ledger. */
  private record Snapshot(Map<Integer, String> owners, Set<String> departed) {}

  /** Reads the ledger now: for a decision made once, like a reclaim. */
  Predicate<Ipv4Address> fresh() {
    Snapshot now = read();
    return address -> looksAfter(now, address);
  }

  /**
   * Whether this node looks after the address, from an answer of the ledger at most a second old:
   * asked for every record on every pass of the projector, which must not copy the ledger each
   * time.
   */
  @Override
  public synchronized boolean projects(Ipv4Address address) {
    return looksAfter(current(), address);
  }

  /** Changes when a reading of the ledger gives other owners or other departed nodes. */
  @Override
  public synchronized long version() {
    current();
    return version;
  }

  private Snapshot current() {
    long now = nanoClock.getAsLong();
    if (snapshot == null || now - snapshotAt >= SNAPSHOT_NANOS) {
      Snapshot next = read();
      if (!next.equals(snapshot)) {
        version++;
      }
      snapshot = next;
      snapshotAt = now;
    }
    return snapshot;
  }

  private Snapshot read() {
    Map<Integer, String> owners = ledger.read().value();
    return new Snapshot(owners, ledger.departedNodes(owners.values()));
  }

  private boolean looksAfter(Snapshot snapshot, Ipv4Address address) {
    int block = range.contains(address) ? (int) (range.indexOf(address) / blockSize) : 0;
    String owner = snapshot.owners().get(block);
    return owner == null || owner.equals(node) || snapshot.departed().contains(owner);
  }
}
