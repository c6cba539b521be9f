package io.kvswitch.dataplane.config;

import java.util.List;

/**
 * A bond: several links that act as one switch port.
 *
 * @param bondMode {@code active-backup} or {@code balance-slb}
 */
public record BondConfig(
    String name,
    String bondMode,
    List<BondMemberConfig> members,
    String mode,
    Integer vlan,
    String allowedVlans,
    Integer nativeVlan,
    StormControlConfig stormControl)
    implements VlanMembership {}
