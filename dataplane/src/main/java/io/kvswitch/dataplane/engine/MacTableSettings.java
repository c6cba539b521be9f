package io.kvswitch.dataplane.engine;

import java.time.Duration;

/**
 * Limits of the MAC table.
 *
 * @param maxEntries entries the whole table holds (static ones included); when full, a dynamic
 *     entry of the port holding the most is evicted, so one flooding port cannot starve the others
 * @param maxEntriesPerPort dynamic entries one port may hold; a port at its limit replaces its own
 *     oldest entry
 * @param agingTime how long a dynamic entry lives without a frame from its MAC
 */
public record MacTableSettings(int maxEntries, int maxEntriesPerPort, Duration agingTime) {

  /** Open vSwitch's defaults: 8192 entries, 300 s aging. */
  public static final MacTableSettings DEFAULTS =
      new MacTableSettings(8192, 8192, Duration.ofSeconds(300));

  public MacTableSettings {
    if (maxEntries < 1 || maxEntries > (1 << 24)) {
      throw new IllegalArgumentException("maxEntries must be 1-16777216: " + maxEntries);
    }
    if (maxEntriesPerPort < 1) {
      throw new IllegalArgumentException(
          "maxEntriesPerPort must be at least 1: " + maxEntriesPerPort);
    }
    if (agingTime.isNegative() || agingTime.isZero()) {
      throw new IllegalArgumentException("agingTime must be positive: " + agingTime);
    }
  }
}
