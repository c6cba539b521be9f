package io.kvswitch.dataplane.dhcp.lease;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.config.AddressRange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BlockAllocatorTest {

  private final InMemoryBlockLedger ledger = new InMemoryBlockLedger();
  private final AddressRange range = AddressRange.parse("10.0.0.10", "10.0.0.109");

  @Test
  void blocksCoverTheRangeAndTheLastOneMayBeShort() {
    BlockAllocator blocks = new BlockAllocator(range, 32, ledger, "node-a");

    assertThat(blocks.blockCount()).isEqualTo(4);
    assertThat(blocks.sizeOf(0)).isEqualTo(32);
    assertThat(blocks.addressOf(0, 0)).isEqualTo(parse("10.0.0.10"));
    assertThat(blocks.sizeOf(3)).isEqualTo(4);
    assertThat(List.of(0, 1, 2, 3).stream().map(i -> blocks.addressOf(3, i)))
        .containsExactly(
            parse("10.0.0.106"), parse("10.0.0.107"), parse("10.0.0.108"), parse("10.0.0.109"));
    assertThat(blocks.blockOf(parse("10.0.0.107"))).isEqualTo(3);
    assertThat(blocks.indexInBlock(parse("10.0.0.107"))).isEqualTo(1);
  }

  @Test
  void nodesRacingForBlocksNeverShareOne() throws Exception {
    int nodes = 4;
    BlockAllocator[] allocators = new BlockAllocator[nodes];
    for (int n = 0; n < nodes; n++) {
      allocators[n] = new BlockAllocator(range, 1, ledger, "node-" + n);
    }
    ExecutorService threads = Executors.newFixedThreadPool(nodes);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Integer>>> claims = new ArrayList<>();
    for (BlockAllocator allocator : allocators) {
      claims.add(
          threads.submit(
              () -> {
                start.await();
                List<Integer> mine = new ArrayList<>();
                Optional<Integer> block;
                while ((block = allocator.claimBlock()).isPresent()) {
                  mine.add(block.get());
                }
                return mine;
              }));
    }
    start.countDown();
    Set<Integer> seen = new HashSet<>();
    int total = 0;
    try {
      for (Future<List<Integer>> claim : claims) {
        List<Integer> mine = claim.get(30, TimeUnit.SECONDS);
        total += mine.size();
        seen.addAll(mine);
      }
    } finally {
      threads.shutdownNow();
      assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(total).as("no block claimed twice").isEqualTo(seen.size());
    assertThat(seen).hasSize(100);
    for (BlockAllocator allocator : allocators) {
      for (int block : allocator.ownedBlocks()) {
        assertThat(ledger.read().value().get(block))
            .isEqualTo("node-" + List.of(allocators).indexOf(allocator));
      }
    }
  }

  @Test
  void aRestartedNodeAdoptsTheBlocksTheLedgerListsForIt() {
    BlockAllocator before = new BlockAllocator(range, 32, ledger, "node-a");
    before.claimBlock();
    new BlockAllocator(range, 32, ledger, "node-b").claimBlock();
    before.claimBlock();

    BlockAllocator after = new BlockAllocator(range, 32, ledger, "node-a");

    assertThat(after.ownedBlocks()).containsExactly(0, 2);
  }
}
