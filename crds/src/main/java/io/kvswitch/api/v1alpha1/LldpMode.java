package io.kvswitch.api.v1alpha1;

/** What the switch does with LLDP on its uplinks. */
public enum LldpMode {
  /** Record what the physical neighbours announce. */
  Listen,
  /** Announce this node and uplink to the physical neighbours. */
  Advertise,
  Both,
  None
}
