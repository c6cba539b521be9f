package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A token bucket: {@code perSecond} writes a second on average, at most {@code burst} at once after
 * a quiet spell. Not thread-safe; one projector thread uses it.
 */
final class WriteBudget {

  private final double perSecond;
  private final int burst;
  private final InstantSource clock;
  private double tokens;
  private Instant refilled;

  /**
   * @param perSecond writes a second; 0 allows none
   * @param burst the most tokens kept; at least 1 when {@code perSecond} is above 0
   */
  WriteBudget(double perSecond, int burst, InstantSource clock) {
    if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("writes per second must be 0 or more, was " + perSecond);
    }
    if (perSecond > 0 && burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, was " + burst);
    }
    this.perSecond = perSecond;
    this.burst = perSecond == 0 ? 0 : burst;
    this.clock = clock;
    this.tokens = this.burst;
    this.refilled = clock.instant();
  }

  /** Takes one write's token if there is one. */
  boolean tryTake() {
    refill();
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Whole writes allowed right now. */
  int available() {
    refill();
    return (int) tokens;
  }

  private void refill() {
    Instant now = clock.instant();
    if (!now.isAfter(refilled)) {
      return;
    }
    double seconds = Duration.between(refilled, now).toNanos() / 1e9;
    tokens = Math.min(burst, tokens + seconds * perSecond);
    refilled = now;
  }
}
