package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.BondMode;
import io.kvswitch.api.v1alpha1.UplinkSpec;
import io.kvswitch.dataplane.bond.ActiveBackupBond;
import io.kvswitch.dataplane.bond.BalanceSlbBond;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.RenamedPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's uplinks to the physical network, kept in step with its switch settings: each one is
 * its host NIC (or a bond of its NICs) plugged into the bridge as an 802.1Q trunk of its allowed
 * VLANs, with its native VLAN untagged. The bridge port is named after the uplink.
 *
 * <p>An uplink whose VLANs change (or the switch's storm control) is reconfigured in place: its
 * NICs stay open and its learned MACs stay. One whose interfaces or bond mode change is unplugged
 * and built again; one that is no longer listed is unplugged and its NICs closed.
 *
 * <p>Uplinks share the overlay's split-horizon group: every node of a switch gets the same uplinks,
 * so a frame that came in from the physical network has reached the other nodes through their own
 * uplinks already; relaying it over a tunnel (or a tunnelled frame out of an uplink) could only
 * duplicate it or loop it back into the physical network.
 *
 * <p>An interface that cannot be opened does not stop the others: a bond is plugged with the
 * members that opened, and {@link #configure} returns the problems so the engine reports them after
 * everything else is applied. The next {@code configure} tries the missing interfaces again.
 *
 * <p>Called by the engine under its lock.
 */
public final class UplinkAttachment {

  private static final Logger LOG = LoggerFactory.getLogger(UplinkAttachment.class);

  /** Empty {@code allowedVlans} means the trunk carries every VLAN of the switch. */
  private static final VlanSet EVERY_VLAN = VlanSet.parse(VlanSet.MIN_VID + "-" + VlanSet.MAX_VID);

  private final Bridge bridge;
  private final Function<String, Port> nicOpener;
  private final Map<String, Plugged> plugged = new HashMap<>();

  /**
   * @param nicOpener opens a host NIC by name as a port; throws when it cannot
   */
  public UplinkAttachment(Bridge bridge, Function<String, Port> nicOpener) {
    this.bridge = bridge;
    this.nicOpener = nicOpener;
  }

  /**
   * Brings the plugged uplinks in line with {@code uplinks}.
   *
   * @return one sentence per uplink or interface that could not be put in place; empty when all are
   */
  public List<String> configure(List<UplinkSpec> uplinks, StormControlSettings stormControl) {
    List<String> problems = new ArrayList<>();
    Set<String> wanted = new HashSet<>();
    for (UplinkSpec uplink : uplinks) {
      wanted.add(uplink.getName());
    }
    for (String name : List.copyOf(plugged.keySet())) {
      if (!wanted.contains(name)) {
        unplug(name);
      }
    }
    for (UplinkSpec uplink : uplinks) {
      try {
        put(uplink, stormControl, problems);
      } catch (RuntimeException e) {
        problems.add("uplink " + uplink.getName() + ": " + e.getMessage());
      }
    }
    return problems;
  }

  /** The names of the uplinks plugged into the bridge now. */
  public Set<String> pluggedUplinks() {
    return Set.copyOf(plugged.keySet());
  }

  /** The bridge port index of an uplink, or -1 when it is not plugged. */
  public int portIndex(String uplink) {
    Plugged port = plugged.get(uplink);
    return port == null ? -1 : port.index();
  }

  private void put(UplinkSpec uplink, StormControlSettings stormControl, List<String> problems) {
    String name = uplink.getName();
    PortVlanConfig vlans = vlanConfig(uplink);
    Build build = build(uplink);
    Plugged existing = plugged.get(name);
    if (existing != null
        && existing.build().equals(build)
        && existing.opened().equals(build.nics())) {
      if (!existing.vlans().equals(vlans) || !existing.stormControl().equals(stormControl)) {
        bridge
            .core()
            .setPort(existing.index(), vlans, stormControl, OverlayAttachment.OVERLAY_GROUP);
        plugged.put(name, existing.with(vlans, stormControl));
      }
      return;
    }
    if (existing != null) {
      unplug(name);
    }
    List<Port> members = new ArrayList<>();
    List<String> opened = new ArrayList<>();
    for (String nic : build.nics()) {
      try {
        members.add(nicOpener.apply(nic));
        opened.add(nic);
      } catch (RuntimeException e) {
        problems.add(
            "uplink " + name + ": interface " + nic + " cannot be opened: " + e.getMessage());
      }
    }
    if (members.isEmpty()) {
      return;
    }
    Port port;
    try {
      port = uplinkPort(name, build, members);
    } catch (RuntimeException e) {
      members.forEach(Port::close);
      throw e;
    }
    int index;
    try {
      index = bridge.addPort(port, vlans, stormControl, OverlayAttachment.OVERLAY_GROUP);
    } catch (RuntimeException e) {
      port.close();
      throw e;
    }
    plugged.put(name, new Plugged(index, build, List.copyOf(opened), vlans, stormControl));
    LOG.info("uplink {} plugged in on {} as a trunk of {}", name, opened, vlans);
  }

  private void unplug(String name) {
    Plugged port = plugged.remove(name);
    if (port != null) {
      bridge.removePort(port.index());
      LOG.info("uplink {} unplugged from {}", name, port.opened());
    }
  }

  /**
   * One NIC is the uplink itself; more are bonded. A bond stays a bond (of the members that opened)
   * even when only one of its NICs opened: it is built again with all of them once they open.
   */
  private static Port uplinkPort(String name, Build build, List<Port> members) {
    if (build.nics().size() == 1) {
      return new RenamedPort(name, members.getFirst());
    }
    return switch (build.mode()) {
      case ActiveBackup -> new ActiveBackupBond(name, members);
      case BalanceSLB -> new BalanceSlbBond(name, members);
      case LACP -> throw new IllegalStateException("checked in build()");
    };
  }

  private static Build build(UplinkSpec uplink) {
    List<String> nics = List.copyOf(uplink.getInterfaces());
    if (nics.isEmpty()) {
      throw new IllegalArgumentException("lists no interfaces");
    }
    if (nics.size() == 1) {
      return new Build(nics, null);
    }
    BondMode mode =
        uplink.getBond() == null || uplink.getBond().getMode() == null
            ? BondMode.ActiveBackup
            : uplink.getBond().getMode();
    if (mode == BondMode.LACP) {
      throw new IllegalArgumentException(
          "bond mode LACP is not supported by the switch engine; use ActiveBackup or BalanceSLB");
    }
    return new Build(nics, mode);
  }

  static PortVlanConfig vlanConfig(UplinkSpec uplink) {
    List<String> ranges = uplink.getAllowedVlans();
    VlanSet allowed =
        ranges == null || ranges.isEmpty() ? EVERY_VLAN : VlanSet.parse(String.join(",", ranges));
    return PortVlanConfig.trunk(
        allowed, uplink.getNativeVlan() == null ? 0 : uplink.getNativeVlan());
  }

  /** What the uplink's port is built from: changing it means building the port again. */
  private record Build(List<String> nics, BondMode mode) {}

  private record Plugged(
      int index,
      Build build,
      List<String> opened,
      PortVlanConfig vlans,
      StormControlSettings stormControl) {

    Plugged with(PortVlanConfig newVlans, StormControlSettings newStormControl) {
      return new Plugged(index, build, opened, newVlans, newStormControl);
    }
  }
}
