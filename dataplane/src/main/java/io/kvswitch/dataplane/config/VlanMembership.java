package io.kvswitch.dataplane.config;

/** The VLAN fields that ports and bonds share. */
public interface VlanMembership {

  /** {@code access} or {@code trunk}. */
  String mode();

  /** The VLAN of an access port. */
  Integer vlan();

  /** A trunk's tagged VLANs as ranges, e.g. {@code "10,20-29"}. */
  String allowedVlans();

  /** A trunk's untagged VLAN; absent for none. */
  Integer nativeVlan();

  /** Overrides the switch-wide storm control for this port. */
  StormControlConfig stormControl();
}
