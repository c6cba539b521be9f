package io.kvswitch.api.v1alpha1;

/** Condition types and reasons the operator sets; reasons are CamelCase as Kubernetes expects. */
public final class ConditionTypes {

  /** True when the resource is fully realized on every node that should carry it. */
  public static final String READY = "Ready";

  /** True on a VlanNetwork whose VLAN id another, older network on the switch already uses. */
  public static final String VLAN_CONFLICT = "VlanConflict";

  /** True on a VlanNetwork whose {@code spec.switch} names no VirtualSwitch. */
  public static final String SWITCH_NOT_FOUND = "SwitchNotFound";

  /** True on a VlanNetwork whose DHCP range has no free address left. */
  public static final String POOL_EXHAUSTED = "PoolExhausted";

  /** True on a MirrorSession whose destination pod has no port on the named network. */
  public static final String DESTINATION_NOT_FOUND = "DestinationNotFound";

  private ConditionTypes() {}
}
