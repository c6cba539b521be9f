package io.kvswitch.dataplane.dhcp.lease;

import java.time.Instant;

/** The lease store and block ledger of one network, as one node opened them. */
public interface NetworkLeases extends AutoCloseable {

  LeaseStore store();

  BlockLedger ledger();

  /**
   * Marks leases that ended before {@code now} as released, where the store keeps records others
   * read (allocation already treats an expired lease as free).
   *
   * @return how many records were reclaimed
   * @throws LeaseStoreUnavailableException when the store cannot be reached
   */
  int reclaimExpired(Instant now);

  /**
   * What the store and its projection counted since this object was opened; {@link
   * LeaseStoreCounters#NONE} for a store that sends nothing anywhere (memory).
   */
  default LeaseStoreCounters counters() {
    return LeaseStoreCounters.NONE;
  }

  /**
   * Whether the network these stores were opened for is gone and another of the same name has taken
   * its place (deleted and created again): the stores then write records the garbage collector
   * deletes, and must be opened again. False when that cannot be told.
   *
   * @throws RuntimeException when the API server cannot be asked
   */
  default boolean replacedByAnotherNetwork() {
    return false;
  }

  /** Stops watching the network's records; the records themselves stay. */
  @Override
  void close();
}
