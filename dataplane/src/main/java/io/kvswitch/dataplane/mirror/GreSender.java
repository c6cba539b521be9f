package io.kvswitch.dataplane.mirror;

import java.lang.foreign.MemorySegment;

/** Sends one GRE packet (GRE header onwards) to a fixed remote address. */
public interface GreSender extends AutoCloseable {

  /**
   * @return whether the packet was handed to the kernel; false when its queue is full or the
   *     address unreachable, which the caller counts as a dropped copy
   */
  boolean send(MemorySegment packet, int length);

  @Override
  void close();
}
