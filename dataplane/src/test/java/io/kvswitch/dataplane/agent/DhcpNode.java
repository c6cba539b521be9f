package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeaseStores;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

  ApplyResult apply(long generation, SwitchNodeStateSpec spec) {
    return applier.apply(DesiredState.of(generation, spec));
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
