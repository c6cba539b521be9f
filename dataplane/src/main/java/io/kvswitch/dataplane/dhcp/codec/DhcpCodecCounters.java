package io.kvswitch.dataplane.dhcp.codec;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the codec handlers saw, for the agent's metrics. Shared by every channel that uses the same
 * handler instances, so the counters are contention-free adders.
 */
public final class DhcpCodecCounters {

  private final LongAdder decoded = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder encoded = new LongAdder();

  public long decoded() {
    return decoded.sum();
  }

  /** Messages refused with a {@link io.netty.handler.codec.CorruptedFrameException}. */
  public long malformed() {
    return malformed.sum();
  }

  public long encoded() {
    return encoded.sum();
  }

  void countDecoded() {
    decoded.increment();
  }

  void countMalformed() {
    malformed.increment();
  }

  void countEncoded() {
    encoded.increment();
  }
}
