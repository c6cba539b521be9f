package io.kvswitch.dataplane.dhcp.lease;

/** A conditional write lost against a concurrent writer; re-read and decide again. */
public class LeaseConflictException extends Exception {

  public LeaseConflictException(String message) {
    super(message);
  }
}
