package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.remoteMac;
import static io.kvswitch.dataplane.agent.States.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.api.v1alpha1.OverlaySpec;
import io.kvswitch.api.v1alpha1.SwitchNodeOverlayCounters;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.port.InMemoryPort;
import io.kvswitch.dataplane.tunnel.VxlanRxDrop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A switch with ports on two nodes, as the operator compiles it: both nodes' agents against the
 * mock API server, each with a real bridge engine (in-memory pod ports) whose overlays meet over
 * loopback UDP. Both report Ready=True with their overlay counters, and a frame crosses.
 */
class NodeAgentOverlayTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String A_IP = "127.0.0.1";
  private static final String B_IP = "127.0.0.2";
  private static final String MAC_A = "02:00:00:0a:00:01";
  private static final String MAC_B = "02:00:00:0b:00:01";

  @TempDir Path stateDir;

  private final int udpPort = freeUdpPort();
  private RestartableMockApi api;
  private KubernetesClient operator;
  private final Map<String, Node> nodes = new HashMap<>();

  private final class Node {
    final Bridge bridge = Bridge.builder().threads(1).build();
    final Map<String, InMemoryPort> pods = new HashMap<>();
    final BridgeSwitchEngine engine =
        new BridgeSwitchEngine(
            bridge,
            name -> pods.computeIfAbsent(name, InMemoryPort::new),
            new OverlayAttachment(bridge, 1500));
    final KubernetesClient client = api.client();
    final NodeAgent agent;

    Node(String name) {
      bridge.start();
      agent =
          new NodeAgent(
              client,
              new AgentConfig(
                  name,
                  "fabric",
                  "kvswitch-system",
                  stateDir.resolve(name),
                  stateDir.resolve(name + ".sock"),
                  Duration.ofMillis(200),
                  0),
              engine,
              Clock.systemUTC());
      agent.start();
    }

    InMemoryPort pod(String portName) {
      return pods.get(HostInterfaces.forPort(portName));
    }

    void close() {
      agent.close();
      client.close();
      engine.overlay().close();
      bridge.close();
    }
  }

  @BeforeEach
  void startApi() {
    api = new RestartableMockApi();
    operator = api.client();
    api.registerCrds(operator);
  }

  @AfterEach
  void stopAll() {
    nodes.values().forEach(Node::close);
    operator.close();
    api.close();
  }

  private static int freeUdpPort() {
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress(A_IP, 0));
      return ((InetSocketAddress) probe.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The state the operator compiles for {@code node} of a switch with one VLAN on two nodes. */
  private SwitchNodeStateSpec compiled(String node, String ip, String peer, String peerIp) {
    SwitchNodeStateSpec spec = spec("fabric", node);
    spec.setUnderlayIp(ip);
    OverlaySpec overlay = new OverlaySpec();
    overlay.setUdpPort(udpPort);
    spec.setOverlay(overlay);
    spec.getVlans().add(OverlayPeersTest.vlan(10, peer + "@" + peerIp));
    boolean isA = node.equals("node-a");
    spec.getPorts().add(port(isA ? "apps/a" : "apps/b", 10, isA ? MAC_A : MAC_B));
    spec.getRemoteMacs().add(remoteMac(10, isA ? MAC_B : MAC_A, peer));
    return spec;
  }

  private SwitchNodeState write(String node, SwitchNodeStateSpec spec) {
    SwitchNodeState state = new SwitchNodeState();
    state.setMetadata(
        new ObjectMetaBuilder()
            .withName("fabric." + node)
            .withLabels(Map.of(NodeAgent.SWITCH_LABEL, "fabric", NodeAgent.NODE_LABEL, node))
            .build());
    state.setSpec(spec);
    return operator.resource(state).create();
  }

  private SwitchNodeState stored(String node) {
    return operator.resources(SwitchNodeState.class).withName("fabric." + node).get();
  }

  private static Condition ready(SwitchNodeState state) {
    return state.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void bothNodesOfAMultiNodeSwitchReportRealizedAndTheirOverlayCounters() {
    SwitchNodeState a = write("node-a", compiled("node-a", A_IP, "node-b", B_IP));
    SwitchNodeState b = write("node-b", compiled("node-b", B_IP, "node-a", A_IP));
    nodes.put("node-a", new Node("node-a"));
    nodes.put("node-b", new Node("node-b"));

    for (SwitchNodeState written : new SwitchNodeState[] {a, b}) {
      String node = written.getSpec().getNodeName();
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () -> {
                SwitchNodeState state = stored(node);
                assertThat(state.getStatus()).isNotNull();
                assertThat(ready(state).getStatus())
                    .as(ready(state).getMessage())
                    .isEqualTo("True");
                assertThat(ready(state).getReason()).isEqualTo("Realized");
                assertThat(state.getStatus().getRealizedGeneration())
                    .isEqualTo(written.getMetadata().getGeneration());
                assertThat(state.getStatus().getCounters().getOverlay().getPeers()).isEqualTo(1);
              });
    }

    nodes.get("node-a").pod("apps/a").inject(TestFrames.untagged(MAC_B, MAC_A, 46));
    await().atMost(DEADLINE).until(() -> nodes.get("node-b").pod("apps/b").sentCount() == 1);
    // The next status refresh (every 200 ms here) carries the datagram on both sides.
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              SwitchNodeOverlayCounters sent =
                  stored("node-a").getStatus().getCounters().getOverlay();
              SwitchNodeOverlayCounters received =
                  stored("node-b").getStatus().getCounters().getOverlay();
              assertThat(sent.getTxDatagrams()).isEqualTo(1);
              assertThat(received.getRxDecapsulated()).isEqualTo(1);
              assertThat(received.getRxDrops())
                  .containsEntry("unknown_vni", 0L)
                  .hasSize(VxlanRxDrop.values().length);
            });
  }
}
