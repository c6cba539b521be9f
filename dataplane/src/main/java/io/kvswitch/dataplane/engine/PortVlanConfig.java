package io.kvswitch.dataplane.engine;

/**
 * How a port takes part in VLANs: an access port belongs to exactly one VLAN and carries its frames
 * untagged; a trunk carries tagged frames of its allowed VLANs, plus untagged frames of its native
 * VLAN when it has one.
 */
public sealed interface PortVlanConfig {

  /** Whether frames of {@code vid} may enter or leave this port. */
  boolean carries(int vid);

  /** Whether frames of {@code vid} leave this port with an 802.1Q tag. */
  boolean tagsOnEgress(int vid);

  static PortVlanConfig access(int vlan) {
    return new Access(vlan);
  }

  static PortVlanConfig trunk(VlanSet allowedVlans, int nativeVlan) {
    return new Trunk(allowedVlans, nativeVlan);
  }

  /** An access port of one VLAN. */
  record Access(int vlan) implements PortVlanConfig {
    public Access {
      if (vlan < VlanSet.MIN_VID || vlan > VlanSet.MAX_VID) {
        throw new IllegalArgumentException("access VLAN out of range 1-4094: " + vlan);
      }
    }

    @Override
    public boolean carries(int vid) {
      return vid == vlan;
    }

    @Override
    public boolean tagsOnEgress(int vid) {
      return false;
    }
  }

  /**
   * A trunk. The native VLAN travels untagged; 0 means the trunk has none and drops untagged
   * frames. The native VLAN is carried whether or not it is also listed in {@code allowedVlans}.
   */
  record Trunk(VlanSet allowedVlans, int nativeVlan) implements PortVlanConfig {
    public Trunk {
      if (nativeVlan != 0 && (nativeVlan < VlanSet.MIN_VID || nativeVlan > VlanSet.MAX_VID)) {
        throw new IllegalArgumentException("native VLAN out of range 1-4094: " + nativeVlan);
      }
    }

    @Override
    public boolean carries(int vid) {
      return vid == nativeVlan && vid != 0 || allowedVlans.contains(vid);
    }

    @Override
    public boolean tagsOnEgress(int vid) {
      return vid != nativeVlan;
    }
  }
}
