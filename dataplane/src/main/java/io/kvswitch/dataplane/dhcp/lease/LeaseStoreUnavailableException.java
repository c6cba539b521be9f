package io.kvswitch.dataplane.dhcp.lease;

/**
 * The store could not be reached, so nothing of the batch was written. Callers keep serving what is
 * already durable and refuse what would need a new write.
 */
public class LeaseStoreUnavailableException extends RuntimeException {

  public LeaseStoreUnavailableException(String message) {
    super(message);
  }

  public LeaseStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
