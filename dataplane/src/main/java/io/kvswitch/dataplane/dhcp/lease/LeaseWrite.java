package io.kvswitch.dataplane.dhcp.lease;

/**
 * A conditional write of one lease record.
 *
 * @param lease the new record
 * @param expectedVersion the version being replaced, or {@link #CREATE} when the record must not
 *     exist yet
 */
public record LeaseWrite(Lease lease, long expectedVersion) {

  public static final long CREATE = 0;

  public LeaseWrite {
    if (expectedVersion < 0) {
      throw new IllegalArgumentException("expected version must not be negative");
    }
  }
}
