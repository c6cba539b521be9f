package io.kvswitch.dataplane.dhcp.lease;

import io.kvswitch.dataplane.dhcp.config.AddressRange;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Claims blocks of the dynamic range for one node through the {@link BlockLedger}, so that each
 * node allocates new addresses from its own slice without asking the cluster per lease.
 *
 * <p>Blocks are {@code blockSize} consecutive addresses of the range; the last one may be shorter.
 * After a restart the node adopts the blocks the ledger still lists as its own.
 */
public final class BlockAllocator {

  /**
   * Each lost race means another claim succeeded, so at most one loss per block can happen before
   * the ledger is full; the extra attempts cover ledger changes that are not claims.
   */
  private static final int EXTRA_CLAIM_ATTEMPTS = 8;

  private final AddressRange range;
  private final int blockSize;
  private final BlockLedger ledger;
  private final String node;
  private final TreeSet<Integer> owned = new TreeSet<>();

  public BlockAllocator(AddressRange range, int blockSize, BlockLedger ledger, String node) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("block size must be at least 1");
    }
    this.range = range;
    this.blockSize = blockSize;
    this.ledger = ledger;
    this.node = node;
    adoptOwnBlocks();
  }

  /** Takes over the blocks the ledger lists for this node (after an agent restart). */
  public synchronized void adoptOwnBlocks() {
    ledger
        .read()
        .value()
        .forEach(
            (block, owner) -> {
              if (owner.equals(node)) {
                owned.add(block);
              }
            });
  }

  public int blockCount() {
    return (int) ((range.size() + blockSize - 1) / blockSize);
  }

  /**
   * The block from which this node starts looking for an address in other nodes' blocks, spread
   * over the range by the node's name (String.hashCode, the same on every JVM).
   */
  public int borrowingStart() {
    return Math.floorMod(node.hashCode(), blockCount());
  }

  public synchronized List<Integer> ownedBlocks() {
    return List.copyOf(owned);
  }

  /** Whether this node owns the block now. */
  public synchronized boolean owns(int block) {
    return owned.contains(block);
  }

  /** The block an address of the range belongs to. */
  public int blockOf(Ipv4Address address) {
    return (int) (range.indexOf(address) / blockSize);
  }

  /** The index of an address of the range inside its block. */
  public int indexInBlock(Ipv4Address address) {
    return (int) (range.indexOf(address) % blockSize);
  }

  /** How many addresses a block has: {@code blockSize}, or fewer for the last one. */
  public int sizeOf(int block) {
    long from = (long) block * blockSize;
    return (int) Math.max(0, Math.min(blockSize, range.size() - from));
  }

  /** The {@code index}th address of a block (0 ≤ index < {@link #sizeOf}). */
  public Ipv4Address addressOf(int block, int index) {
    return range.get((long) block * blockSize + index);
  }

  /**
   * Claims the lowest unowned block; when every block has an owner, takes over the lowest block of
   * a node that has left the cluster. Losing a race to another node re-reads the ledger and tries
   * the next block.
   *
   * @return the claimed block, or empty when every block has an owner that is still there
   */
  public synchronized Optional<Integer> claimBlock() {
    for (int attempt = 0; attempt < blockCount() + EXTRA_CLAIM_ATTEMPTS; attempt++) {
      Versioned<Map<Integer, String>> ledgerState = ledger.read();
      Optional<Integer> free = firstUnowned(ledgerState.value());
      try {
        if (free.isPresent()) {
          ledger.claim(free.get(), node, ledgerState.version());
        } else {
          free = firstOfDeparted(ledgerState.value());
          if (free.isEmpty()) {
            return Optional.empty();
          }
          String departed = ledgerState.value().get(free.get());
          ledger.takeOver(free.get(), departed, node, ledgerState.version());
        }
        owned.add(free.get());
        return free;
      } catch (LeaseConflictException lost) {
        // Someone else claimed in between; read again.
      }
    }
    return Optional.empty();
  }

  private Optional<Integer> firstOfDeparted(Map<Integer, String> owners) {
    Set<String> others = new HashSet<>(owners.values());
    others.remove(node);
    if (others.isEmpty()) {
      return Optional.empty();
    }
    Set<String> departed = ledger.departedNodes(others);
    for (int block = 0; block < blockCount(); block++) {
      String owner = owners.get(block);
      if (owner != null && !owner.equals(node) && departed.contains(owner)) {
        return Optional.of(block);
      }
    }
    return Optional.empty();
  }

  private Optional<Integer> firstUnowned(Map<Integer, String> owners) {
    for (int block = 0; block < blockCount(); block++) {
      if (!owners.containsKey(block)) {
        return Optional.of(block);
      }
    }
    return Optional.empty();
  }
}
