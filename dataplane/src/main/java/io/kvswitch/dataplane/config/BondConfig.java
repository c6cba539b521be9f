package io.kvswitch.dataplane.config;

import java.util.List;

/**
 * A bond: several links that act as one switch port.
 *
 * @param bondMode {@code active-backup} or {@code balance-slb}
 * @param learning learn source MACs on the bond; true when absent (see {@link
 *     PortConfig#learning()})
 */
public record BondConfig(
    String name,
    String bondMode,
    List<BondMemberConfig> members,
    String mode,
    Integer vlan,
    String allowedVlans,
    Integer nativeVlan,
    StormControlConfig stormControl,
    Boolean learning)
    implements VlanMembership {

  /** Whether the bond learns source MACs. */
  public boolean learns() {
    return learning == null || learning;
  }
}
