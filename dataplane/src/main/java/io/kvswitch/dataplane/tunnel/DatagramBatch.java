package io.kvswitch.dataplane.tunnel;

import java.lang.foreign.MemorySegment;

/**
 * UDP datagrams to one peer VTEP, written into fixed slots of one buffer and sent together.
 * Datagram {@code i} lives at {@code buffer()[i * slotSize(), i * slotSize() + length)}.
 *
 * <p>Consecutive slots can form a run: the datagrams of one cut GSO frame, all of the same length
 * but the last, which may be shorter. A run may go to the kernel as one UDP GSO send ({@code
 * UDP_SEGMENT}), which the kernel cuts back into the same datagrams.
 */
interface DatagramBatch extends AutoCloseable {

  /** The most datagrams in one run (the kernel's {@code UDP_MAX_SEGMENTS} on older kernels). */
  int MAX_RUN = 64;

  /** The most bytes in one run: one UDP GSO send is one UDP "datagram" of at most 64 KiB. */
  int MAX_RUN_BYTES = 65_535 - 8 - 60;

  MemorySegment buffer();

  int slotSize();

  /** How many datagrams one {@link #send} takes. */
  int slots();

  /**
   * Sends datagrams {@code 0..count-1} with the given lengths and returns how many the kernel took;
   * never waits for buffer space. {@code runs[i]} is the number of slots in the run that starts at
   * slot {@code i} (1 for a datagram of its own); entries of slots inside a run are not read.
   */
  int send(int[] lengths, int[] runs, int count);

  /**
   * How many times the kernel refused a run sent as one UDP GSO send, so that runs went datagram by
   * datagram for a while; read from any thread, exact on the sending one.
   */
  long gsoFallbacks();

  @Override
  void close();
}
