package io.kvswitch.dataplane.config;

import io.kvswitch.dataplane.engine.MacTableSettings;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import java.time.Duration;

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

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
