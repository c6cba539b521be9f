package io.kvswitch.dataplane.dhcp.lease;

import java.util.Optional;

/** The result of one {@link LeaseWrite}. */
public sealed interface WriteOutcome {

  /** The write is durable; the record now has this version. */
  record Committed(Versioned<Lease> lease) implements WriteOutcome {}

  /**
   * The record was not at the expected version: another writer got there first.
   *
   * @param current what the store holds now, empty if the record was deleted
   */
  record Conflict(Optional<Versioned<Lease>> current) implements WriteOutcome {}
}
