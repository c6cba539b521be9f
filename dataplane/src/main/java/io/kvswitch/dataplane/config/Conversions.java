package io.kvswitch.dataplane.config;

import io.kvswitch.dataplane.engine.MacTableSettings;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.tunnel.VxlanHeader;
import io.kvswitch.dataplane.tunnel.VxlanPeer;
import io.kvswitch.dataplane.tunnel.VxlanSettings;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Turns validated config records into the engine's settings. */
final class Conversions {

  private Conversions() {}

  static PortVlanConfig vlanConfig(VlanMembership port) {
    if (port.mode().equals("access")) {
      return PortVlanConfig.access(port.vlan());
    }
    VlanSet allowed =
        port.allowedVlans() == null ? VlanSet.of() : VlanSet.parse(port.allowedVlans());
    return PortVlanConfig.trunk(allowed, port.nativeVlan() == null ? 0 : port.nativeVlan());
  }

  static boolean carries(VlanMembership port, int vid) {
    try {
      return vlanConfig(port).carries(vid);
    } catch (RuntimeException e) {
      // The port's own VLAN fields are wrong; that problem is reported on the port.
      return true;
    }
  }

  static StormControlSettings stormControl(StormControlConfig storm) {
    if (storm == null) {
      return StormControlSettings.UNLIMITED;
    }
    return new StormControlSettings(
        orZero(storm.broadcastPps()),
        orZero(storm.multicastPps()),
        orZero(storm.unknownUnicastPps()),
        orZero(storm.burst()));
  }

  static MacTableSettings macTable(MacLearningConfig mac) {
    MacTableSettings defaults = MacTableSettings.DEFAULTS;
    if (mac == null) {
      return defaults;
    }
    int maxEntries = mac.maxEntries() == null ? defaults.maxEntries() : mac.maxEntries();
    int perPort = mac.maxEntriesPerPort() == null ? maxEntries : mac.maxEntriesPerPort();
    Duration aging =
        mac.agingSeconds() == null ? defaults.agingTime() : Duration.ofSeconds(mac.agingSeconds());
    return new MacTableSettings(maxEntries, perPort, aging);
  }

  static VxlanSettings vxlan(VxlanConfig vxlan) {
    List<VxlanPeer> peers = new ArrayList<>();
    for (VxlanPeerConfig peer : vxlan.peersOrEmpty()) {
      peers.add(new VxlanPeer(peer.name(), ipv4(peer.address()), VlanSet.parse(peer.vlans())));
    }
    return new VxlanSettings(
        ipv4(vxlan.localAddress()),
        vxlan.udpPort() == null ? VxlanHeader.DEFAULT_UDP_PORT : vxlan.udpPort(),
        vxlan.vniBase() == null ? 0 : vxlan.vniBase(),
        vxlan.underlayMtu() == null ? 0 : vxlan.underlayMtu(),
        peers);
  }

  /** A literal the validator has checked to be IPv4. */
  private static Inet4Address ipv4(String literal) {
    return (Inet4Address) InetAddress.ofLiteral(literal);
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
