package io.kvswitch.dataplane.dhcp.lease;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitterTest {

  private final InMemoryLeaseStore store = new InMemoryLeaseStore();
  private final ExecutorService writer = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() throws InterruptedException {
    writer.shutdownNow();
    assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static LeaseWrite create(int n) {
    Lease lease =
        new Lease(
            parse("10.0.0.0").plus(n),
            new ClientKey("id-" + n),
            new MacAddress(n),
            "",
            "node-a",
            Instant.parse("2026-01-01T01:00:00Z"),
            LeaseState.BOUND);
    return new LeaseWrite(lease, LeaseWrite.CREATE);
  }

  @Test
  void writesArrivingDuringABatchGoOutTogetherInTheNextOne() throws Exception {
    CountDownLatch firstBatchEntered = new CountDownLatch(1);
    CountDownLatch releaseFirstBatch = new CountDownLatch(1);
    AtomicInteger batchNumber = new AtomicInteger();
    List<Integer> batchSizes = new ArrayList<>();
    store.beforeWrite(
        batch -> {
          synchronized (batchSizes) {
            batchSizes.add(batch.size());
          }
          if (batchNumber.incrementAndGet() == 1) {
            firstBatchEntered.countDown();
            try {
              releaseFirstBatch.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    GroupCommitter committer = new GroupCommitter(store, writer, 100);

    CompletableFuture<WriteOutcome> first = committer.submit(create(1));
    assertThat(firstBatchEntered.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<WriteOutcome>> waiting = new ArrayList<>();
    for (int i = 2; i <= 51; i++) {
      waiting.add(committer.submit(create(i)));
    }

    assertThat(first).isNotDone();
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
    releaseFirstBatch.countDown();
    CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    assertThat(batchSizes).containsExactly(1, 50);
    assertThat(committer.batches()).isEqualTo(2);
    assertThat(committer.writes()).isEqualTo(51);
    assertThat(store.all()).hasSize(51);
    assertThat(waiting).allMatch(f -> f.join() instanceof WriteOutcome.Committed);
  }

  @Test
  void batchesAreCappedAtMaxBatch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> sizes = new ArrayList<>();
    store.beforeWrite(
        batch -> {
          synchronized (sizes) {
            sizes.add(batch.size());
          }
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    GroupCommitter committer = new GroupCommitter(store, writer, 10);
    List<CompletableFuture<WriteOutcome>> all = new ArrayList<>();
    for (int i = 1; i <= 25; i++) {
      all.add(committer.submit(create(i)));
    }
    release.countDown();
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    assertThat(sizes).allMatch(s -> s <= 10);
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(25);
  }

  @Test
  void conflictsAreReportedPerWriteInsideABatch() {
    GroupCommitter committer = new GroupCommitter(store, Runnable::run, 10);
    committer.submit(create(1)).join();

    WriteOutcome again = committer.submit(create(1)).join();

    assertThat(again).isInstanceOf(WriteOutcome.Conflict.class);
    assertThat(((WriteOutcome.Conflict) again).current()).isPresent();
  }

  @Test
  void unreachableStoreFailsEveryWriteOfTheBatchAndTheNextBatchWorksAgain() {
    GroupCommitter committer = new GroupCommitter(store, writer, 10);
    store.setAvailable(false);

    CompletableFuture<WriteOutcome> failed = committer.submit(create(1));
    await().atMost(Duration.ofSeconds(10)).until(failed::isDone);
    store.setAvailable(true);
    CompletableFuture<WriteOutcome> ok = committer.submit(create(2));

    assertThat(failed)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(LeaseStoreUnavailableException.class);
    assertThat(ok.join()).isInstanceOf(WriteOutcome.Committed.class);
  }

  @Test
  void rejectedExecutorFailsTheWriteInsteadOfLosingIt() {
    ExecutorService stopped = Executors.newSingleThreadExecutor();
    stopped.shutdown();
    GroupCommitter committer = new GroupCommitter(store, stopped, 10);

    CompletableFuture<WriteOutcome> result = committer.submit(create(1));

    assertThatThrownBy(result::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(LeaseStoreUnavailableException.class);
  }
}
