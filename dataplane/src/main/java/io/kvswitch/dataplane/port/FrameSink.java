package io.kvswitch.dataplane.port;

import java.lang.foreign.MemorySegment;

/**
 * Takes frames from a port without copying them.
 *
 * <p>The frame lives in the port's own memory (an mmap'd ring slot, a reusable buffer) and is valid
 * only for the duration of the call; an implementation that keeps it must copy it.
 */
@FunctionalInterface
public interface FrameSink {

  /**
   * Called once per received frame.
   *
   * @param buffer memory holding the frame
   * @param offset where the Ethernet header starts in {@code buffer}
   * @param length frame length in bytes, without FCS
   */
  void accept(MemorySegment buffer, long offset, int length);
}
