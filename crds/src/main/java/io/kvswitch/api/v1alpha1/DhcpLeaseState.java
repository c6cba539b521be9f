package io.kvswitch.api.v1alpha1;

/** What a lease record means for its address. */
public enum DhcpLeaseState {
  /** The client holds the address until {@code expiresAt}. */
  Bound,
  /**
   * The client gave the address back, or the lease ran out. The record stays so that the same
   * client gets the same address again while nobody else took it.
   */
  Released,
  /** A client found the address in use by someone else; nobody gets it until {@code expiresAt}. */
  Declined
}
