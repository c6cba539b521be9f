package io.kvswitch.dataplane.engine;

/**
 * Per-port token buckets for broadcast, multicast and unknown-unicast frames.
 *
 * <p>A port's buckets are only touched by the thread that receives from that port, so they need no
 * synchronization. Tokens are counted in frame-nanoseconds (one frame = 10^9), which makes the
 * refill an exact integer product of elapsed nanoseconds and the rate.
 */
public final class StormControl {

  static final int BROADCAST = 0;
  static final int MULTICAST = 1;
  static final int UNKNOWN_UNICAST = 2;
  private static final int CLASSES = 3;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long[] ratePps;
  private final long[] depth;
  private final long[] tokens;
  private final long[] lastRefill;
  private final boolean[] started;

  public StormControl(int maxPorts) {
    int buckets = maxPorts * CLASSES;
    ratePps = new long[buckets];
    depth = new long[buckets];
    tokens = new long[buckets];
    lastRefill = new long[buckets];
    started = new boolean[buckets];
  }

  /** Sets a port's limits and refills its buckets. Call before the port carries traffic. */
  public void configure(int port, StormControlSettings settings) {
    set(port * CLASSES + BROADCAST, settings.broadcastPps(), settings.burst());
    set(port * CLASSES + MULTICAST, settings.multicastPps(), settings.burst());
    set(port * CLASSES + UNKNOWN_UNICAST, settings.unknownUnicastPps(), settings.burst());
  }

  private void set(int bucket, long pps, long burst) {
    ratePps[bucket] = pps;
    depth[bucket] = burst * NANOS_PER_SECOND;
    tokens[bucket] = depth[bucket];
    started[bucket] = false;
  }

  /** Takes one token of {@code trafficClass} from the port's bucket; false means drop the frame. */
  boolean admit(int port, int trafficClass, long now) {
    int bucket = port * CLASSES + trafficClass;
    long rate = ratePps[bucket];
    if (rate == 0) {
      return true;
    }
    if (!started[bucket]) {
      started[bucket] = true;
      lastRefill[bucket] = now;
    }
    long elapsed = now - lastRefill[bucket];
    if (elapsed > 0) {
      // Past a full refill the exact elapsed time no longer matters; capping it keeps the product
      // far from overflow.
      long capped = Math.min(elapsed, 10 * NANOS_PER_SECOND);
      tokens[bucket] = Math.min(depth[bucket], tokens[bucket] + capped * rate);
      lastRefill[bucket] = now;
    }
    if (tokens[bucket] >= NANOS_PER_SECOND) {
      tokens[bucket] -= NANOS_PER_SECOND;
      return true;
    }
    return false;
  }
}
