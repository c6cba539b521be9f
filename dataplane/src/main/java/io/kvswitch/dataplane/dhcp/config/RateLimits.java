package io.kvswitch.dataplane.dhcp.config;

/**
 * How fast clients may ask for addresses, so that one port or one MAC cannot drain the pool or keep
 * the server busy. Each limit is a token bucket: a sustained rate and a burst.
 *
 * @param portMessagesPerSecond DISCOVERs and new-lease REQUESTs a port may send per second
 * @param portBurst how many a port may send back to back
 * @param macMessagesPerSecond the same, per client MAC
 * @param macBurst the same, per client MAC
 * @param maxTrackedKeys how many ports or MACs are tracked at once; the least recently seen is
 *     forgotten beyond that, so a flood of spoofed MACs cannot exhaust memory
 * @param maxLeasesPerMac how many live leases one MAC may hold under different client identifiers
 *     (a PXE boot and the installed OS usually make two)
 */
public record RateLimits(
    double portMessagesPerSecond,
    int portBurst,
    double macMessagesPerSecond,
    int macBurst,
    int maxTrackedKeys,
    int maxLeasesPerMac) {

  /** Generous for real clients (which retry every few seconds), tight for a flood. */
  public static final RateLimits DEFAULT = new RateLimits(100, 200, 2, 10, 65_536, 4);

  /** No limit, for benchmarks against other servers. */
  public static final RateLimits UNLIMITED =
      new RateLimits(
          Double.POSITIVE_INFINITY,
          Integer.MAX_VALUE,
          Double.POSITIVE_INFINITY,
          Integer.MAX_VALUE,
          1,
          Integer.MAX_VALUE);

  public RateLimits {
    if (portMessagesPerSecond <= 0 || macMessagesPerSecond <= 0 || portBurst < 1 || macBurst < 1) {
      throw new IllegalArgumentException("rates must be positive and bursts at least 1");
    }
    if (maxTrackedKeys < 1 || maxLeasesPerMac < 1) {
      throw new IllegalArgumentException("maxTrackedKeys and maxLeasesPerMac must be at least 1");
    }
  }
}
