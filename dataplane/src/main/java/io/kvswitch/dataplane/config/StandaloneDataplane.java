package io.kvswitch.dataplane.config;

import io.kvswitch.dataplane.bond.ActiveBackupBond;
import io.kvswitch.dataplane.bond.BalanceSlbBond;
import io.kvswitch.dataplane.bond.Bond;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.metrics.MetricsServer;
import io.kvswitch.dataplane.metrics.PrometheusText;
import io.kvswitch.dataplane.port.Port;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A switch built from a {@link StandaloneConfig}: its ports opened, its bridge forwarding, its
 * metrics endpoint serving. VXLAN peers are part of the config model but not realized here.
 */
public final class StandaloneDataplane implements AutoCloseable {

  private final Bridge bridge;
  private final MetricsServer metrics;

  private StandaloneDataplane(Bridge bridge, MetricsServer metrics) {
    this.bridge = bridge;
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
      bridge = builder.build();
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
        metrics =
            MetricsServer.start(
                address, config.metrics().port(), () -> PrometheusText.render(forMetrics));
      }
      return new StandaloneDataplane(bridge, metrics);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (bridge != null) {
        bridge.close();
      } else {
        opened.forEach(Port::close);
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
  }
}
