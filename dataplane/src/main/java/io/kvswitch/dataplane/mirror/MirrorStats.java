package io.kvswitch.dataplane.mirror;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One mirror session's counters, shared by every forwarding thread. They outlive a change of the
 * session's rule, so a session that is edited keeps counting from where it was.
 */
public final class MirrorStats {

  private final String session;

  private final LongAdder mirrored = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final AtomicLong candidates = new AtomicLong();

  /**
   * @param session the MirrorSession as namespace/name, for metrics
   */
  public MirrorStats(String session) {
    this.session = session;
  }

  public String session() {
    return session;
  }

  /** Copies the destination took. */
  public long mirrored() {
    return mirrored.sum();
  }

  /** Copies that were made but not delivered: destination refused them or they did not fit. */
  public long dropped() {
    return dropped.sum();
  }

  public void countMirrored() {
    mirrored.increment();
  }

  public void countDropped() {
    dropped.increment();
  }

  /**
   * Whether this candidate frame is the one in {@code rate} that gets copied. Counts candidates
   * across threads, so the rate holds for the session as a whole, not per thread.
   */
  boolean sample(int rate) {
    return rate <= 1 || candidates.getAndIncrement() % rate == 0;
  }
}
