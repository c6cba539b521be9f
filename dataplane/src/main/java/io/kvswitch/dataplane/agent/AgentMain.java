package io.kvswitch.dataplane.agent;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.cni.CniHandler;
import io.kvswitch.dataplane.cni.CniServer;
import io.kvswitch.dataplane.cni.KubernetesSwitchPortRecords;
import io.kvswitch.dataplane.cni.NetlinkPodInterfaces;
import io.kvswitch.dataplane.cni.VmTaps;
import io.kvswitch.dataplane.cni.WorkloadPortOpener;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.KubernetesNetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.KubernetesNodeDirectory;
import io.kvswitch.dataplane.metrics.MetricsServer;
import io.kvswitch.dataplane.port.linux.AfPacketOptions;
import io.kvswitch.dataplane.port.linux.AfPacketPort;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent as the DaemonSet runs it: one switch ({@code KVSWITCH_SWITCH}) on one node ({@code
 * NODE_NAME}); see {@link AgentConfig} for the rest of the environment. Exits with 2 when the
 * environment is incomplete.
 */
public final class AgentMain {

  private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

  /** Pods and VMs on this node plus the other nodes of the switch. */
  private static final int MAX_PORTS = 256;

  private AgentMain() {}

  public static void main(String[] args) throws InterruptedException {
    AgentConfig config;
    try {
      config = AgentConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("kvswitch agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Local ports and one tunnel port per peer node share the indexes.
    Bridge bridge = Bridge.builder().maxPorts(MAX_PORTS).build();
    bridge.start();
    VmTaps taps = VmTaps.besideSocket(config.cniSocket(), config.switchName());
    BridgeSwitchEngine bridgeEngine =
        new BridgeSwitchEngine(
            bridge,
            new WorkloadPortOpener(
                taps, name -> AfPacketPort.open(name, AfPacketOptions.podPort()), true),
            // The agent runs in the host's network namespace, where the uplinks' NICs are.
            nic -> AfPacketPort.open(nic, AfPacketOptions.defaults()));
    KubernetesClient client = new KubernetesClientBuilder().build();
    KubernetesClient leaseClient = leaseClient();
    DhcpAttachment engine = dhcp(bridgeEngine, bridge, leaseClient, config);
    NodeAgent agent = new NodeAgent(client, config, engine, Clock.systemUTC());
    agent.start();
    KubernetesSwitchPortRecords records = new KubernetesSwitchPortRecords(client);
    engine.publishAddressesTo(records);
    CniServer cni =
        CniServer.start(
            config.cniSocket(),
            new CniHandler(
                config.nodeName(),
                config.switchName(),
                new NetlinkPodInterfaces(),
                taps,
                engine,
                records));
    MetricsServer metrics = metrics(config, bridge, engine);
    LOG.info("agent for {} started", config.stateName());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      // Only the watch and the sockets go; the interfaces stay, so pods keep
                      // their links and the next agent plugs them back in.
                      cni.close();
                      if (metrics != null) {
                        metrics.close();
                      }
                      agent.close();
                      engine.close();
                      leaseClient.close();
                      client.close();
                      bridgeEngine.overlay().close();
                      bridge.close();
                      stopped.countDown();
                    }));
    stopped.await();
  }

  /**
   * {@code GET /metrics} on every address of the node (the agent runs in the host's network). A
   * port that is taken (another switch's agent on this node with the same port) costs the metrics,
   * never the forwarding: the agent logs it and runs without them.
   */
  private static MetricsServer metrics(AgentConfig config, Bridge bridge, SwitchEngine engine)
      throws InterruptedException {
    if (config.metricsPort() == 0) {
      return null;
    }
    try {
      MetricsServer server =
          MetricsServer.start(
              "0.0.0.0", config.metricsPort(), () -> AgentMetrics.render(bridge, engine));
      LOG.info("metrics at :{}/metrics", server.port());
      return server;
    } catch (RuntimeException e) {
      LOG.warn(
          "no metrics: cannot listen on port {} ({}); set KVSWITCH_METRICS_PORT to a free one",
          config.metricsPort(),
          e.toString());
      return null;
    }
  }

  /**
   * The lease stores' own client, which does not retry: a lease write that cannot reach the API
   * server must fail at once, so that a renewal is answered from the durable lease and a new client
   * retries, instead of every DHCP reply waiting out the default back-off.
   */
  private static KubernetesClient leaseClient() {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(Config.autoConfigure(null))
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout(5_000)
                .build())
        .build();
  }

  /** The DHCP servers ride on the engine: leases in the Kubernetes API, one store per network. */
  private static DhcpAttachment dhcp(
      SwitchEngine engine, Bridge bridge, KubernetesClient client, AgentConfig config) {
    LocalPortTable localPorts = new LocalPortTable();
    Clock clock = Clock.systemUTC();
    return new DhcpAttachment(
        engine,
        bridge,
        localPorts,
        new KubernetesNetworkLeaseStores(
            client,
            config.nodeName(),
            localPorts,
            new KubernetesNodeDirectory(client, clock, Duration.ofMinutes(1))),
        config.switchName(),
        config.nodeName(),
        clock,
        RateLimits.DEFAULT);
  }
}
