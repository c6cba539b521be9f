package io.kvswitch.api.v1alpha1;

/** Whether a block of a DHCP range belongs to a node. */
public enum AddressBlockState {
  /** The node hands out new addresses from this block first. */
  Claimed,
  /**
   * No node owns the block (its node left); any node may claim it. Leases inside it stay valid:
   * they are separate records.
   */
  Released
}
