package io.kvswitch.dataplane.config;

import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.tunnel.VxlanPeerPort;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a parsed config and explains every problem with the path of the field it is about. */
final class ConfigValidator {

  static final Set<String> PORT_TYPES = Set.of("afpacket", "tap", "memory");
  static final Set<String> BOND_MODES = Set.of("active-backup", "balance-slb");
  static final Set<String> RX_RINGS = Set.of(PortOptions.TPACKET_V3, PortOptions.TPACKET_V2);

  /** Linux interface names are at most 15 bytes (IFNAMSIZ minus the terminator). */
  private static final int MAX_DEVICE_NAME = 15;

  private static final int MAX_VNI = (1 << 24) - 1;

  /** IPv4's minimum MTU; below it no inner frame with an IP packet would fit anyway. */
  private static final int MIN_UNDERLAY_MTU = 576;

  private static final int MAX_UNDERLAY_MTU = 65_535;

  private final List<String> problems = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final Map<String, VlanMembership> switchPorts = new HashMap<>();

  private ConfigValidator() {}

  static List<String> validate(StandaloneConfig config) {
    ConfigValidator validator = new ConfigValidator();
    validator.check(config);
    return validator.problems;
  }

  private void check(StandaloneConfig config) {
    if (config.threads() != null && config.threads() < 1) {
      problem("threads", "must be at least 1");
    }
    if (config.batchSize() != null && (config.batchSize() < 1 || config.batchSize() > 1024)) {
      problem("batchSize", "must be 1-1024");
    }
    if (config.portsOrEmpty().isEmpty() && config.bondsOrEmpty().isEmpty()) {
      problem("ports", "at least one port or bond is required");
    }
    List<PortConfig> ports = config.portsOrEmpty();
    for (int i = 0; i < ports.size(); i++) {
      PortConfig port = ports.get(i);
      String at = "ports[" + i + "]";
      if (port == null) {
        problem(at, "must not be empty");
        continue;
      }
      checkName(at, port.name());
      checkDevice(at, port.type(), port.device(), port.name());
      checkRxRing(at, port);
      checkVlans(at, port);
      if (port.name() != null) {
        switchPorts.put(port.name(), port);
      }
    }
    List<BondConfig> bonds = config.bondsOrEmpty();
    for (int i = 0; i < bonds.size(); i++) {
      BondConfig bond = bonds.get(i);
      String at = "bonds[" + i + "]";
      if (bond == null) {
        problem(at, "must not be empty");
        continue;
      }
      checkName(at, bond.name());
      if (bond.bondMode() == null) {
        problem(at + ".bondMode", "required: one of active-backup, balance-slb");
      } else if (!BOND_MODES.contains(bond.bondMode())) {
        problem(
            at + ".bondMode", "'" + bond.bondMode() + "' is not one of active-backup, balance-slb");
      }
      List<BondMemberConfig> members = bond.members() == null ? List.of() : bond.members();
      if (members.size() < 2) {
        problem(at + ".members", "a bond needs at least 2 members");
      }
      for (int m = 0; m < members.size(); m++) {
        BondMemberConfig member = members.get(m);
        String memberAt = at + ".members[" + m + "]";
        if (member == null) {
          problem(memberAt, "must not be empty");
          continue;
        }
        checkName(memberAt, member.name());
        checkDevice(memberAt, member.type(), member.device(), member.name());
      }
      if (members.stream()
              .filter(member -> member != null)
              .map(member -> member.options().offloads())
              .distinct()
              .count()
          > 1) {
        // A bond is one port to the engine, with one offload header length for all its frames.
        problem(at + ".members", "every member must have the same offloads setting");
      }
      checkVlans(at, bond);
      if (bond.name() != null) {
        switchPorts.put(bond.name(), bond);
      }
    }
    checkStormControl("stormControl", config.stormControl());
    checkMacLearning(config.macLearning());
    checkVxlan(config.vxlan());
    checkMetrics(config.metrics());
  }

  private void checkName(String at, String name) {
    if (name == null || name.isBlank()) {
      problem(at + ".name", "required");
    } else if (!names.add(name)) {
      problem(at + ".name", "'" + name + "' is used twice; port, bond and member names are unique");
    }
  }

  private void checkDevice(String at, String type, String device, String name) {
    if (type == null) {
      problem(at + ".type", "required: one of afpacket, tap, memory");
      return;
    }
    if (!PORT_TYPES.contains(type)) {
      problem(at + ".type", "'" + type + "' is not one of afpacket, tap, memory");
      return;
    }
    String effective = device != null ? device : name;
    if (!type.equals("memory") && effective != null && effective.length() > MAX_DEVICE_NAME) {
      problem(
          at + (device != null ? ".device" : ".name"),
          "'" + effective + "' is longer than a Linux interface name (15 characters); set device");
    }
  }

  private void checkRxRing(String at, PortConfig port) {
    if (port.rxRing() == null) {
      return;
    }
    if (!"afpacket".equals(port.type())) {
      problem(at + ".rxRing", "only an afpacket port has a receive ring");
    } else if (!RX_RINGS.contains(port.rxRing())) {
      problem(at + ".rxRing", "'" + port.rxRing() + "' is not one of tpacket-v3, tpacket-v2");
    }
  }

  private void checkVlans(String at, VlanMembership port) {
    if (port.mode() == null) {
      problem(at + ".mode", "required: access or trunk");
    } else if (port.mode().equals("access")) {
      if (port.vlan() == null) {
        problem(at + ".vlan", "required for an access port (1-4094)");
      } else {
        checkVid(at + ".vlan", port.vlan());
      }
      if (port.allowedVlans() != null) {
        problem(at + ".allowedVlans", "only a trunk has allowedVlans; an access port has vlan");
      }
      if (port.nativeVlan() != null) {
        problem(at + ".nativeVlan", "only a trunk has a nativeVlan; an access port has vlan");
      }
    } else if (port.mode().equals("trunk")) {
      if (port.vlan() != null) {
        problem(at + ".vlan", "a trunk has allowedVlans and nativeVlan, not vlan");
      }
      if (port.allowedVlans() != null) {
        checkVlanSet(at + ".allowedVlans", port.allowedVlans());
      }
      if (port.nativeVlan() != null) {
        checkVid(at + ".nativeVlan", port.nativeVlan());
      }
      if (port.nativeVlan() == null
          && (port.allowedVlans() == null || port.allowedVlans().isBlank())) {
        problem(at + ".allowedVlans", "a trunk needs allowedVlans, a nativeVlan, or both");
      }
    } else {
      problem(at + ".mode", "'" + port.mode() + "' is not one of access, trunk");
    }
    checkStormControl(at + ".stormControl", port.stormControl());
  }

  private void checkVid(String at, int vid) {
    if (vid < VlanSet.MIN_VID || vid > VlanSet.MAX_VID) {
      problem(at, vid + " is not a VLAN id (1-4094)");
    }
  }

  private void checkVlanSet(String at, String ranges) {
    try {
      VlanSet.parse(ranges);
    } catch (IllegalArgumentException e) {
      problem(at, e.getMessage());
    }
  }

  private void checkStormControl(String at, StormControlConfig storm) {
    if (storm == null) {
      return;
    }
    try {
      Conversions.stormControl(storm);
    } catch (IllegalArgumentException e) {
      problem(at, e.getMessage());
    }
  }

  private void checkMacLearning(MacLearningConfig mac) {
    if (mac == null) {
      return;
    }
    if (mac.maxEntries() != null && (mac.maxEntries() < 1 || mac.maxEntries() > (1 << 24))) {
      problem("macLearning.maxEntries", "must be 1-16777216");
    }
    if (mac.maxEntriesPerPort() != null && mac.maxEntriesPerPort() < 1) {
      problem("macLearning.maxEntriesPerPort", "must be at least 1");
    }
    if (mac.agingSeconds() != null && mac.agingSeconds() < 1) {
      problem("macLearning.agingSeconds", "must be at least 1");
    }
    List<StaticMacConfig> entries = mac.staticEntries() == null ? List.of() : mac.staticEntries();
    for (int i = 0; i < entries.size(); i++) {
      StaticMacConfig entry = entries.get(i);
      String at = "macLearning.staticEntries[" + i + "]";
      if (entry == null) {
        problem(at, "must not be empty");
        continue;
      }
      VlanMembership port = entry.port() == null ? null : switchPorts.get(entry.port());
      if (entry.port() == null) {
        problem(at + ".port", "required");
      } else if (port == null) {
        problem(at + ".port", "'" + entry.port() + "' is not a port or bond of this switch");
      }
      if (entry.vlan() == null) {
        problem(at + ".vlan", "required");
      } else {
        checkVid(at + ".vlan", entry.vlan());
        if (port != null && !Conversions.carries(port, entry.vlan())) {
          problem(at + ".vlan", "port '" + entry.port() + "' does not carry VLAN " + entry.vlan());
        }
      }
      checkUnicastMac(at + ".mac", entry.mac());
    }
  }

  private void checkUnicastMac(String at, String mac) {
    if (mac == null) {
      problem(at, "required");
      return;
    }
    try {
      if (MacAddress.isMulticast(MacAddress.parse(mac))) {
        problem(at, "'" + mac + "' is a multicast address");
      }
    } catch (IllegalArgumentException e) {
      problem(at, e.getMessage());
    }
  }

  private void checkVxlan(VxlanConfig vxlan) {
    if (vxlan == null) {
      return;
    }
    if (vxlan.localAddress() == null) {
      problem("vxlan.localAddress", "required: this node's VTEP IP address");
    } else {
      checkVtepAddress("vxlan.localAddress", vxlan.localAddress());
    }
    if (vxlan.udpPort() != null && (vxlan.udpPort() < 1 || vxlan.udpPort() > 65535)) {
      problem("vxlan.udpPort", "must be 1-65535");
    }
    if (vxlan.vniBase() != null
        && (vxlan.vniBase() < 0 || vxlan.vniBase() > MAX_VNI - VlanSet.MAX_VID)) {
      problem(
          "vxlan.vniBase",
          "must be 0-" + (MAX_VNI - VlanSet.MAX_VID) + " so every VNI fits 24 bits");
    }
    if (vxlan.underlayMtu() != null
        && (vxlan.underlayMtu() < MIN_UNDERLAY_MTU || vxlan.underlayMtu() > MAX_UNDERLAY_MTU)) {
      problem(
          "vxlan.underlayMtu", "must be " + MIN_UNDERLAY_MTU + "-" + MAX_UNDERLAY_MTU + " bytes");
    }
    List<VxlanPeerConfig> peers = vxlan.peersOrEmpty();
    Set<String> peerNames = new HashSet<>();
    Set<String> peerAddresses = new HashSet<>();
    for (int i = 0; i < peers.size(); i++) {
      VxlanPeerConfig peer = peers.get(i);
      String at = "vxlan.peers[" + i + "]";
      if (peer == null) {
        problem(at, "must not be empty");
        continue;
      }
      if (peer.name() == null || peer.name().isBlank()) {
        problem(at + ".name", "required");
      } else if (!peerNames.add(peer.name())) {
        problem(at + ".name", "'" + peer.name() + "' is used twice");
      } else if (!names.add(VxlanPeerPort.portName(peer.name()))) {
        problem(
            at + ".name",
            "its port '" + VxlanPeerPort.portName(peer.name()) + "' has the name of another port");
      }
      if (peer.address() == null) {
        problem(at + ".address", "required");
      } else if (checkVtepAddress(at + ".address", peer.address())) {
        if (peer.address().equals(vxlan.localAddress())) {
          problem(at + ".address", "'" + peer.address() + "' is this node's own localAddress");
        } else if (!peerAddresses.add(peer.address())) {
          problem(at + ".address", "'" + peer.address() + "' is the address of another peer");
        }
      }
      VlanSet vlans = null;
      if (peer.vlans() == null) {
        problem(at + ".vlans", "required: the VLANs that node carries");
      } else {
        try {
          vlans = VlanSet.parse(peer.vlans());
        } catch (IllegalArgumentException e) {
          problem(at + ".vlans", e.getMessage());
        }
      }
      checkRemoteMacs(at, peer, vlans);
    }
  }

  private void checkRemoteMacs(String peerAt, VxlanPeerConfig peer, VlanSet vlans) {
    List<RemoteMacConfig> macs = peer.macsOrEmpty();
    for (int m = 0; m < macs.size(); m++) {
      RemoteMacConfig entry = macs.get(m);
      String at = peerAt + ".macs[" + m + "]";
      if (entry == null) {
        problem(at, "must not be empty");
        continue;
      }
      if (entry.vlan() == null) {
        problem(at + ".vlan", "required");
      } else {
        checkVid(at + ".vlan", entry.vlan());
        if (vlans != null && !vlans.contains(entry.vlan())) {
          problem(at + ".vlan", "peer '" + peer.name() + "' does not carry VLAN " + entry.vlan());
        }
      }
      checkUnicastMac(at + ".mac", entry.mac());
    }
  }

  /** An IPv4 address that can be a VTEP; reports and returns false otherwise. */
  private boolean checkVtepAddress(String at, String address) {
    InetAddress parsed;
    try {
      parsed = InetAddress.ofLiteral(address);
    } catch (IllegalArgumentException e) {
      problem(at, "'" + address + "' is not an IP address");
      return false;
    }
    if (!(parsed instanceof Inet4Address)) {
      problem(at, "'" + address + "' is not an IPv4 address; VTEPs are IPv4 only");
      return false;
    }
    if (parsed.isAnyLocalAddress() || parsed.isMulticastAddress()) {
      problem(at, "'" + address + "' is not a unicast address");
      return false;
    }
    return true;
  }

  private void checkMetrics(MetricsConfig metrics) {
    if (metrics == null) {
      return;
    }
    if (metrics.port() == null) {
      problem("metrics.port", "required (0 picks a free port)");
    } else if (metrics.port() < 0 || metrics.port() > 65535) {
      problem("metrics.port", "must be 0-65535");
    }
    if (metrics.address() != null) {
      checkAddress("metrics.address", metrics.address());
    }
  }

  private void checkAddress(String at, String address) {
    try {
      InetAddress.ofLiteral(address);
    } catch (IllegalArgumentException e) {
      problem(at, "'" + address + "' is not an IP address");
    }
  }

  private void problem(String field, String message) {
    problems.add(field + ": " + message);
  }
}
