package io.kvswitch.dataplane.bench;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import java.lang.foreign.MemorySegment;

/**
 * A benchmark port: every receive call hands over the same preloaded frame {@code maxFrames} times,
 * and transmits are counted and discarded. Allocates nothing, so what a profiler sees is the
 * switch's own cost.
 */
final class ReplayPort implements Port {

  private final String name;
  private final MemorySegment frame;
  private final int length;
  private long transmitted;

  ReplayPort(String name, MemorySegment frame, int length) {
    this.name = name;
    this.frame = frame;
    this.length = length;
  }

  long transmitted() {
    return transmitted;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    if (frame == null) {
      return 0;
    }
    for (int i = 0; i < maxFrames; i++) {
      sink.accept(frame, 0, length);
    }
    return maxFrames;
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    transmitted++;
    return true;
  }

  @Override
  public void flushTransmit() {}

  @Override
  public boolean isLinkUp() {
    return true;
  }

  @Override
  public int pollFd() {
    return -1;
  }

  @Override
  public void close() {}
}
