package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the lease stores of a node's DHCP servers counted: the records kept in {@code
 * DhcpLeaseBlock}s and their projection as {@code DhcpLease} objects, summed over the node's
 * networks and over every store it opened for them. Every field but {@code projectionPending} only
 * grows.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SwitchNodeLeaseStoreCounters {

  /**
   * Requests the stores sent to the API server to write lease records (creates, updates, and the
   * reads after a refused or unanswered update).
   */
  private Long apiRequests;

  /** Block writes refused because another writer changed the block first (409), then retried. */
  private Long blockConflicts;

  /** Blocks seen that belong to an earlier network of the same name (ignored, then replaced). */
  private Long foreignBlocks;

  /** Blocks or lease records seen that could not be read (ignored). */
  private Long malformedRecords;

  /** Blocks created from the DhcpLease objects of agents that kept one object per lease. */
  private Long importedBlocks;

  /** DhcpLease objects the projection created, updated or deleted. */
  private Long projectionWrites;

  /** Projection writes refused because the object had changed or gone since it was read. */
  private Long projectionConflicts;

  /** Projection writes without an answer from the API server, and passes that failed otherwise. */
  private Long projectionFailures;

  /**
   * Addresses whose DhcpLease object differs from their record after the last projection pass, in
   * the networks served now.
   */
  private Long projectionPending;

  public Long getApiRequests() {
    return apiRequests;
  }

  public void setApiRequests(Long apiRequests) {
    this.apiRequests = apiRequests;
  }

  public Long getBlockConflicts() {
    return blockConflicts;
  }

  public void setBlockConflicts(Long blockConflicts) {
    this.blockConflicts = blockConflicts;
  }

  public Long getForeignBlocks() {
    return foreignBlocks;
  }

  public void setForeignBlocks(Long foreignBlocks) {
    this.foreignBlocks = foreignBlocks;
  }

  public Long getMalformedRecords() {
    return malformedRecords;
  }

  public void setMalformedRecords(Long malformedRecords) {
    this.malformedRecords = malformedRecords;
  }

  public Long getImportedBlocks() {
    return importedBlocks;
  }

  public void setImportedBlocks(Long importedBlocks) {
    this.importedBlocks = importedBlocks;
  }

  public Long getProjectionWrites() {
    return projectionWrites;
  }

  public void setProjectionWrites(Long projectionWrites) {
    this.projectionWrites = projectionWrites;
  }

  public Long getProjectionConflicts() {
    return projectionConflicts;
  }

  public void setProjectionConflicts(Long projectionConflicts) {
    this.projectionConflicts = projectionConflicts;
  }

  public Long getProjectionFailures() {
    return projectionFailures;
  }

  public void setProjectionFailures(Long projectionFailures) {
    this.projectionFailures = projectionFailures;
  }

  public Long getProjectionPending() {
    return projectionPending;
  }

  public void setProjectionPending(Long projectionPending) {
    this.projectionPending = projectionPending;
  }
}
