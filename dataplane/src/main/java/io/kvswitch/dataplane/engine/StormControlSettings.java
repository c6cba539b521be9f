package io.kvswitch.dataplane.engine;

/**
 * Storm-control limits of one port, in frames per second per traffic class; 0 means no limit.
 *
 * @param broadcastPps broadcast frames per second the port may send into the switch
 * @param multicastPps multicast frames per second
 * @param unknownUnicastPps unicast frames per second to MACs the switch has not learned
 * @param burst frames a class may send at once after a quiet period (the bucket depth)
 */
public record StormControlSettings(
    long broadcastPps, long multicastPps, long unknownUnicastPps, long burst) {

  public static final StormControlSettings UNLIMITED = new StormControlSettings(0, 0, 0, 0);

  /** Caps the rate so that the token arithmetic cannot overflow a long. */
  public static final long MAX_PPS = 100_000_000L;

  public StormControlSettings {
    checkRate("broadcastPps", broadcastPps);
    checkRate("multicastPps", multicastPps);
    checkRate("unknownUnicastPps", unknownUnicastPps);
    if (burst < 0 || burst > MAX_PPS) {
      throw new IllegalArgumentException("burst must be 0-" + MAX_PPS + ": " + burst);
    }
    if (burst == 0 && (broadcastPps > 0 || multicastPps > 0 || unknownUnicastPps > 0)) {
      throw new IllegalArgumentException("burst must be at least 1 when a rate is set");
    }
  }

  private static void checkRate(String name, long pps) {
    if (pps < 0 || pps > MAX_PPS) {
      throw new IllegalArgumentException(name + " must be 0-" + MAX_PPS + ": " + pps);
    }
  }
}
