package io.kvswitch.dataplane.dhcp.lease;

/**
 * What a network's lease store and its projection counted on this node, as a value: the cost and
 * the trouble of keeping the records in the API server, which the DHCP counters do not show. Every
 * field counts up from the store's opening except {@code projectionPending}, a gauge. Stores that
 * keep nothing outside the process (memory) count nothing: {@link #NONE}.
 *
 * @param apiRequests requests the record store sent to the API server for its writes (creates,
 *     updates, and the reads after a refused or unanswered update)
 * @param blockConflicts block writes refused because the block had changed since it was read (409),
 *     each followed by a fresh read and a retry
 * @param foreignBlocks blocks seen that belong to an earlier network of the same name
 * @param malformedRecords blocks or records seen that could not be read (ignored)
 * @param importedBlocks blocks created on opening from the {@code DhcpLease} objects of an agent
 *     that kept one object per lease
 * @param projectionWrites {@code DhcpLease} objects the projection created, updated or deleted
 * @param projectionConflicts projection writes refused because the object had changed or gone
 * @param projectionFailures projection writes without an answer, and passes that failed otherwise
 * @param projectionPending addresses whose {@code DhcpLease} object differed from their record
 *     after the projection's last pass
 */
public record LeaseStoreCounters(
    long apiRequests,
    long blockConflicts,
    long foreignBlocks,
    long malformedRecords,
    long importedBlocks,
    long projectionWrites,
    long projectionConflicts,
    long projectionFailures,
    long projectionPending) {

  public static final LeaseStoreCounters NONE = new LeaseStoreCounters(0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** The sum of both, field by field. */
  public LeaseStoreCounters plus(LeaseStoreCounters other) {
    return new LeaseStoreCounters(
        apiRequests + other.apiRequests,
        blockConflicts + other.blockConflicts,
        foreignBlocks + other.foreignBlocks,
        malformedRecords + other.malformedRecords,
        importedBlocks + other.importedBlocks,
        projectionWrites + other.projectionWrites,
        projectionConflicts + other.projectionConflicts,
        projectionFailures + other.projectionFailures,
        projectionPending + other.projectionPending);
  }

  /**
   * These counts once the store is closed: what it did stays counted, but nothing is pending any
   * more (a closed projection writes nothing; the next store of the network takes its diff over).
   */
  public LeaseStoreCounters closed() {
    return new LeaseStoreCounters(
        apiRequests,
        blockConflicts,
        foreignBlocks,
        malformedRecords,
        importedBlocks,
        projectionWrites,
        projectionConflicts,
        projectionFailures,
        0);
  }

  /** Nothing counted and nothing pending. */
  public boolean isEmpty() {
    return equals(NONE);
  }
}
