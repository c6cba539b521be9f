package io.kvswitch.dataplane.config;

import io.kvswitch.dataplane.bond.ActiveBackupBond;
import io.kvswitch.dataplane.bond.BalanceSlbBond;
import io.kvswitch.dataplane.bond.Bond;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.metrics.MetricsServer;
import io.kvswitch.dataplane.metrics.PrometheusText;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.tunnel.VxlanPeerPort;
import io.kvswitch.dataplane.tunnel.VxlanTunnel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A switch built from a {@link StandaloneConfig}: its ports opened, its bridge forwarding, its
 * metrics endpoint serving, and its VXLAN tunnel (when the config has one) plugged in: one trunk
 * port per peer carrying that peer's VLANs, all in one split-horizon group.
 */
public final class StandaloneDataplane implements AutoCloseable {

  /** The split-horizon group of the VXLAN peer ports. */
  private static final int OVERLAY_GROUP = 1;

  private final Bridge bridge;
  private final VxlanTunnel tunnel;
  private final MetricsServer metrics;

  private StandaloneDataplane(Bridge bridge, VxlanTunnel tunnel, MetricsServer metrics) {
    this.bridge = bridge;
    this.tunnel = tunnel;
    this.metrics = metrics;
  }

  /**
   * Opens every port, builds the bridge and starts the metrics endpoint. The bridge is not started
   * yet: call {@link #start()} (or drive {@link Bridge#pollOnce()} in tests).
   *
   * @param clock the time source for aging and storm control, in nanoseconds
   */
  public static StandaloneDataplane create(
      StandaloneConfig config, PortFactories factories, LongSupplier clock)
      throws IOException, InterruptedException {
    List<Port> opened = new ArrayList<>();
    Bridge bridge = null;
    VxlanTunnel tunnel = null;
    try {
      Bridge.Builder builder =
          Bridge.builder().clock(clock).macTable(Conversions.macTable(config.macLearning()));
      if (config.threads() != null) {
        builder.threads(config.threads());
      }
      if (config.batchSize() != null) {
        builder.batchSize(config.batchSize());
      }
      StormControlSettings switchStorm = Conversions.stormControl(config.stormControl());
      for (PortConfig port : config.portsOrEmpty()) {
        Port switchPort =
            factories.open(
                port.type(), port.name(), deviceOf(port.device(), port.name()), port.options());
        opened.add(switchPort);
        builder.addPort(switchPort, Conversions.vlanConfig(port), storm(port, switchStorm));
      }
      for (BondConfig bondConfig : config.bondsOrEmpty()) {
        List<Port> members = new ArrayList<>();
        for (BondMemberConfig member : bondConfig.members()) {
          Port memberPort =
              factories.open(
                  member.type(),
                  member.name(),
                  deviceOf(member.device(), member.name()),
                  member.options());
          opened.add(memberPort);
          members.add(memberPort);
        }
        Bond bond =
            bondConfig.bondMode().equals("active-backup")
                ? new ActiveBackupBond(bondConfig.name(), members)
                : new BalanceSlbBond(bondConfig.name(), members);
        builder.addPort(bond, Conversions.vlanConfig(bondConfig), storm(bondConfig, switchStorm));
      }
      if (config.vxlan() != null) {
        tunnel = VxlanTunnel.open(Conversions.vxlan(config.vxlan()));
        for (VxlanPeerPort peerPort : tunnel.ports()) {
          opened.add(peerPort);
          // A trunk without a native VLAN: every frame reaches the tunnel tagged with its VLAN,
          // which the port turns into the VNI.
          builder.addPort(
              peerPort, PortVlanConfig.trunk(peerPort.vlans(), 0), switchStorm, OVERLAY_GROUP);
        }
      }
      bridge = builder.build();
      for (VxlanPeerConfig peer :
          config.vxlan() == null ? List.<VxlanPeerConfig>of() : config.vxlan().peersOrEmpty()) {
        int port = bridge.portIndex(VxlanPeerPort.portName(peer.name()));
        for (RemoteMacConfig remote : peer.macsOrEmpty()) {
          bridge.core().macTable().addStatic(remote.vlan(), MacAddress.parse(remote.mac()), port);
        }
      }
      for (PortConfig port : config.portsOrEmpty()) {
        if (!port.learns()) {
          bridge.core().setLearning(bridge.portIndex(port.name()), false);
        }
      }
      for (BondConfig bondConfig : config.bondsOrEmpty()) {
        if (!bondConfig.learns()) {
          bridge.core().setLearning(bridge.portIndex(bondConfig.name()), false);
        }
      }
      if (config.macLearning() != null && config.macLearning().staticEntries() != null) {
        for (StaticMacConfig entry : config.macLearning().staticEntries()) {
          bridge
              .core()
              .macTable()
              .addStatic(
                  entry.vlan(), MacAddress.parse(entry.mac()), bridge.portIndex(entry.port()));
        }
      }
      MetricsServer metrics = null;
      if (config.metrics() != null) {
        String address =
            config.metrics().address() == null ? "127.0.0.1" : config.metrics().address();
        Bridge forMetrics = bridge;
        VxlanTunnel tunnelForMetrics = tunnel;
        metrics =
            MetricsServer.start(
                address,
                config.metrics().port(),
                () -> PrometheusText.render(forMetrics, tunnelForMetrics));
      }
      return new StandaloneDataplane(bridge, tunnel, metrics);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (bridge != null) {
        bridge.close();
      } else {
        opened.forEach(Port::close);
      }
      if (tunnel != null) {
        tunnel.close();
      }
      throw e;
    }
  }

  private static String deviceOf(String device, String name) {
    return device != null ? device : name;
  }

  private static StormControlSettings storm(VlanMembership port, StormControlSettings fallback) {
    return port.stormControl() != null ? Conversions.stormControl(port.stormControl()) : fallback;
  }

  public Bridge bridge() {
    return bridge;
  }

  /** The VXLAN tunnel, or null when the config has none. */
  public VxlanTunnel tunnel() {
    return tunnel;
  }

  /** The metrics endpoint's TCP port, or -1 when the config has none. */
  public int metricsPort() {
    return metrics == null ? -1 : metrics.port();
  }

  /** Starts the forwarding threads. */
  public void start() {
    bridge.start();
  }

  @Override
  public void close() {
    if (metrics != null) {
      metrics.close();
    }
    bridge.close();
    if (tunnel != null) {
      tunnel.close();
    }
  }
}
