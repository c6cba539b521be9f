package io.kvswitch.dataplane.tunnel;

import java.lang.foreign.MemorySegment;

/**
 * UDP datagrams to one peer VTEP, written into fixed slots of one buffer and sent together.
 * Datagram {@code i} lives at {@code buffer()[i * slotSize(), i * slotSize() + length)}.
 */
interface DatagramBatch extends AutoCloseable {

  MemorySegment buffer();

  int slotSize();

  /** How many datagrams one {@link #send} takes. */
  int slots();

  /**
   * Sends datagrams {@code 0..count-1} with the given lengths and returns how many the kernel took;
   * never waits for buffer space.
   */
  int send(int[] lengths, int count);

  @Override
  void close();
}
