package io.kvswitch.dataplane.agent;

import static org.awaitility.Awaitility.await;

import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.config.VlanNetworkDhcpMapping;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * One simulated node for DHCP tests: a running bridge on its own forwarding thread, the agent's
 * engine with in-memory ports, and the DHCP attachment on top, fed node states like the agent.
 */
final class DhcpNode implements AutoCloseable {

  final Bridge bridge = Bridge.builder().threads(1).build();
  final Map<String, InMemoryPort> interfaces = new ConcurrentHashMap<>();
  final DhcpAttachment engine;
  final StateApplier applier;

  DhcpNode(String switchName, String node, NetworkLeaseStores stores) {
    bridge.start();
    BridgeSwitchEngine ports =
        new BridgeSwitchEngine(
            bridge, name -> interfaces.computeIfAbsent(name, n -> new InMemoryPort(n)));
    engine =
        new DhcpAttachment(
            ports,
            bridge,
            new LocalPortTable(),
            stores,
            switchName,
            node,
            Clock.systemUTC(),
            RateLimits.UNLIMITED);
    applier = new StateApplier(engine);
  }

  /**
   * Applies a state as the agent does, then waits until every DHCP VLAN in it is served with its
   * configuration and no other is: servers start on the attachment's own thread.
   */
  ApplyResult apply(long generation, SwitchNodeStateSpec spec) {
    ApplyResult result = applier.apply(DesiredState.of(generation, spec));
    awaitServing(engine, spec);
    return result;
  }

  static void awaitServing(DhcpAttachment engine, SwitchNodeStateSpec spec) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                IntStream.rangeClosed(1, 4094)
                    .allMatch(
                        id -> {
                          Optional<DhcpNetworkConfig> wanted =
                              spec.getVlans().stream()
                                  .filter(v -> v.getVlanId() == id)
                                  .findFirst()
                                  .flatMap(VlanNetworkDhcpMapping::toConfig);
                          return wanted.equals(engine.server(id).map(DhcpServer::config));
                        }));
  }

  /** The switch end of a workload port, by its SwitchPort name. */
  InMemoryPort hostEnd(String portName) {
    return interfaces.get(HostInterfaces.forPort(portName));
  }

  @Override
  public void close() {
    engine.close();
    bridge.close();
  }
}
