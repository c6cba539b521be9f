package io.kvswitch.dataplane.engine;

import java.util.Arrays;

/**
 * An immutable view of which port carries which VLAN, with the flood list of every VLAN worked out
 * in advance. The core swaps in a new layout when ports change, so the forwarding path reads it
 * without locks.
 */
final class VlanLayout {

  private static final int[] NO_PORTS = new int[0];
  private static final byte NONE = 0;
  private static final byte ACCESS = 1;
  private static final byte TRUNK = 2;

  private final byte[] mode;
  private final int[] untaggedVlan; // the access VLAN, or a trunk's native VLAN (0 for none)
  private final VlanSet[] allowed;
  private final int[][] floodPorts;
  private final int[] splitHorizonGroup; // 0: the port belongs to no group

  VlanLayout(PortVlanConfig[] configs, int[] splitHorizonGroups) {
    int maxPorts = configs.length;
    splitHorizonGroup = splitHorizonGroups;
    mode = new byte[maxPorts];
    untaggedVlan = new int[maxPorts];
    allowed = new VlanSet[maxPorts];
    for (int port = 0; port < maxPorts; port++) {
      switch (configs[port]) {
        case null -> mode[port] = NONE;
        case PortVlanConfig.Access access -> {
          mode[port] = ACCESS;
          untaggedVlan[port] = access.vlan();
        }
        case PortVlanConfig.Trunk trunk -> {
          mode[port] = TRUNK;
          untaggedVlan[port] = trunk.nativeVlan();
          allowed[port] = trunk.allowedVlans();
        }
      }
    }
    floodPorts = new int[4096][];
    int[] members = new int[maxPorts];
    for (int vid = 0; vid < 4096; vid++) {
      int count = 0;
      if (vid >= VlanSet.MIN_VID && vid <= VlanSet.MAX_VID) {
        for (int port = 0; port < maxPorts; port++) {
          if (carries(port, vid)) {
            members[count++] = port;
          }
        }
      }
      floodPorts[vid] = count == 0 ? NO_PORTS : Arrays.copyOf(members, count);
    }
  }

  boolean exists(int port) {
    return mode[port] != NONE;
  }

  boolean isAccess(int port) {
    return mode[port] == ACCESS;
  }

  /** The VLAN of untagged (and priority-tagged) frames on this port; 0 when a trunk has none. */
  int untaggedVlan(int port) {
    return untaggedVlan[port];
  }

  boolean carries(int port, int vid) {
    return switch (mode[port]) {
      case ACCESS -> untaggedVlan[port] == vid;
      case TRUNK -> untaggedVlan[port] == vid || allowed[port].contains(vid);
      default -> false;
    };
  }

  boolean tagsOnEgress(int port, int vid) {
    return mode[port] == TRUNK && untaggedVlan[port] != vid;
  }

  /**
   * Whether a frame from {@code ingress} must not leave on {@code egress}: both are in the same
   * split-horizon group (two tunnels to peers of one full mesh).
   */
  boolean sameSplitHorizon(int ingress, int egress) {
    int group = splitHorizonGroup[ingress];
    return group != 0 && group == splitHorizonGroup[egress];
  }

  /** Every port that carries {@code vid}, in index order. The array must not be modified. */
  int[] floodPorts(int vid) {
    return floodPorts[vid];
  }
}
