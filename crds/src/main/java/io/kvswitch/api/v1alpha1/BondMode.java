package io.kvswitch.api.v1alpha1;

/** Bonding modes, named as users of Open vSwitch and Linux bonding know them. */
public enum BondMode {
  /** One interface carries everything; the next takes over when its link goes down. */
  ActiveBackup,
  /** Source MAC and VLAN pick the interface; needs no switch-side configuration. */
  BalanceSLB,
  /** IEEE 802.3ad link aggregation negotiated with the physical switch. */
  LACP
}
