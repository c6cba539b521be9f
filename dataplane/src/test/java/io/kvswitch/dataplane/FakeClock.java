package io.kvswitch.dataplane;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A nanosecond clock that only moves when a test moves it. */
public final class FakeClock implements LongSupplier {

  private volatile long nanos = 1_000_000_000L;

  @Override
  public long getAsLong() {
    return nanos;
  }

  public void advance(Duration duration) {
    nanos += duration.toNanos();
  }
}
