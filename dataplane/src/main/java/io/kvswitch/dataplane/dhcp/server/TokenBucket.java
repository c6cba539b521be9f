package io.kvswitch.dataplane.dhcp.server;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket: {@code ratePerSecond} tokens flow in, at most {@code capacity} are kept, each
 * message takes one. Time comes from the caller, so tests move it by hand. Not thread-safe; the
 * owner serialises access.
 */
final class TokenBucket {

  private final double ratePerSecond;
  private final double capacity;
  private double tokens;
  private Instant lastRefill;

  TokenBucket(double ratePerSecond, int capacity, Instant now) {
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.tokens = capacity;
    this.lastRefill = now;
  }

  boolean tryTake(Instant now) {
    if (Double.isInfinite(ratePerSecond)) {
      return true;
    }
    if (now.isAfter(lastRefill)) {
      double seconds = Duration.between(lastRefill, now).toNanos() / 1e9;
      tokens = Math.min(capacity, tokens + seconds * ratePerSecond);
      lastRefill = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
