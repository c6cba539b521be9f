package io.kvswitch.dataplane.dhcp.server;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@link TokenBucket} per key (a port, a MAC), with a cap on how many keys are tracked: the
 * least recently seen key is forgotten first, which at worst gives it a fresh bucket.
 */
final class KeyedRateLimiter<K> {

  private final double ratePerSecond;
  private final int burst;
  private final InstantSource clock;
  private final LinkedHashMap<K, TokenBucket> buckets;

  KeyedRateLimiter(double ratePerSecond, int burst, int maxKeys, InstantSource clock) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.clock = clock;
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, TokenBucket> eldest) {
            return size() > maxKeys;
          }
        };
  }

  synchronized boolean tryAcquire(K key) {
    var now = clock.instant();
    return buckets
        .computeIfAbsent(key, k -> new TokenBucket(ratePerSecond, burst, now))
        .tryTake(now);
  }

  synchronized int trackedKeys() {
    return buckets.size();
  }
}
