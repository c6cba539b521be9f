package io.kvswitch.dataplane.dhcp.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes leases to the {@link LeaseStore} in groups: every lease submitted while a batch is on its
 * way to the store waits and goes out with the next batch, in one round trip. No timer is involved;
 * under light load each lease is written at once, under heavy load batches grow by themselves, up
 * to {@code maxBatch}.
 *
 * <p>A submitted lease's future completes only after the store says the write is durable, so a
 * server that sends its ACK from that completion never acknowledges a lease that could be lost.
 */
public final class GroupCommitter {

  private record Pending(LeaseWrite write, CompletableFuture<WriteOutcome> result) {}

  private final LeaseStore store;
  private final Executor executor;
  private final int maxBatch;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final LongAdder batches = new LongAdder();
  private final LongAdder writes = new LongAdder();

  /**
   * @param executor where batches are written; one batch runs at a time, so a single thread is
   *     enough (a direct executor writes synchronously, which tests use)
   * @param maxBatch the most writes per round trip (the API server limits request size)
   */
  public GroupCommitter(LeaseStore store, Executor executor, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1");
    }
    this.store = store;
    this.executor = executor;
    this.maxBatch = maxBatch;
  }

  /**
   * Queues a write.
   *
   * @return completes with the outcome once the batch holding the write was written, or
   *     exceptionally with {@link LeaseStoreUnavailableException}
   */
  public CompletableFuture<WriteOutcome> submit(LeaseWrite write) {
    CompletableFuture<WriteOutcome> result = new CompletableFuture<>();
    queue.add(new Pending(write, result));
    if (draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RuntimeException rejected) {
        draining.set(false);
        result.completeExceptionally(
            new LeaseStoreUnavailableException("lease writer is not running", rejected));
      }
    }
    return result;
  }

  private void drain() {
    while (true) {
      List<Pending> batch = new ArrayList<>();
      Pending next;
      while (batch.size() < maxBatch && (next = queue.poll()) != null) {
        batch.add(next);
      }
      if (batch.isEmpty()) {
        draining.set(false);
        // A submit may have queued after the poll but before the flag cleared; take it over.
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      writeBatch(batch);
    }
  }

  private void writeBatch(List<Pending> batch) {
    List<WriteOutcome> outcomes;
    try {
      outcomes = store.write(batch.stream().map(Pending::write).toList());
      if (outcomes.size() != batch.size()) {
        throw new LeaseStoreUnavailableException(
            "store answered " + outcomes.size() + " outcomes for " + batch.size() + " writes");
      }
    } catch (RuntimeException e) {
      LeaseStoreUnavailableException failure =
          e instanceof LeaseStoreUnavailableException u
              ? u
              : new LeaseStoreUnavailableException("lease write failed: " + e.getMessage(), e);
      batch.forEach(p -> p.result.completeExceptionally(failure));
      return;
    }
    batches.increment();
    writes.add(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result.complete(outcomes.get(i));
    }
  }

  /** Round trips made so far. */
  public long batches() {
    return batches.sum();
  }

  /** Writes carried by those round trips. */
  public long writes() {
    return writes.sum();
  }
}
