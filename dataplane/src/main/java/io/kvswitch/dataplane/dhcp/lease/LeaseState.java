package io.kvswitch.dataplane.dhcp.lease;

/** What a stored lease record means. */
public enum LeaseState {
  /** The address is the client's until the lease expires. */
  BOUND,
  /**
   * The client gave the address back (or it expired and was reclaimed). The record is kept so the
   * same client gets the same address again while nobody else took it (RFC 2131 §4.3.1).
   */
  RELEASED,
  /** A client reported the address in use by someone else; it is out of the pool until expiry. */
  DECLINED
}
