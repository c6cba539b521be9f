package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.api.v1alpha1.SwitchNodeDhcpCounters;
import io.kvswitch.api.v1alpha1.SwitchNodeLeaseStoreCounters;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreCounters;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against the mock API server in CRUD mode, with the engine in memory. */
class NodeAgentTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path stateDir;

  private RestartableMockApi api;
  private KubernetesClient operator;
  private KubernetesClient agentClient;
  private NodeAgent agent;
  private final InMemorySwitchEngine engine = new InMemorySwitchEngine();

  @BeforeEach
  void startApi() {
    api = new RestartableMockApi();
    operator = api.client();
    api.registerCrds(operator);
    agentClient = api.client();
  }

  @AfterEach
  void stopAll() {
    if (agent != null) {
      agent.close();
    }
    agentClient.close();
    operator.close();
    api.close();
  }

  private AgentConfig config() {
    return new AgentConfig(
        "node-a",
        "fabric",
        "kvswitch-system",
        stateDir,
        stateDir.resolve("cni.sock"),
        Duration.ofMillis(200),
        0);
  }

  private NodeAgent startAgent(InMemorySwitchEngine withEngine) {
    NodeAgent started = new NodeAgent(agentClient, config(), withEngine, Clock.systemUTC());
    started.start();
    return started;
  }

  private SwitchNodeState write(String node, SwitchNodeStateSpec spec) {
    String name = "fabric." + node;
    SwitchNodeState existing = operator.resources(SwitchNodeState.class).withName(name).get();
    if (existing == null) {
      SwitchNodeState state = new SwitchNodeState();
      state.setMetadata(
          new ObjectMetaBuilder()
              .withName(name)
              .withLabels(Map.of(NodeAgent.SWITCH_LABEL, "fabric", NodeAgent.NODE_LABEL, node))
              .build());
      state.setSpec(spec);
      return operator.resource(state).create();
    }
    existing.setSpec(spec);
    return operator.resource(existing).update();
  }

  private SwitchNodeState stored() {
    return operator.resources(SwitchNodeState.class).withName("fabric.node-a").get();
  }

  private static SwitchNodeStateSpec web(String... ports) {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(vlan(10, "apps/web"));
    int n = 1;
    for (String name : ports) {
      spec.getPorts().add(port(name, 10, String.format("02:00:00:00:00:%02x", n++)));
    }
    return spec;
  }

  private static Condition ready(SwitchNodeState state) {
    return state.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void appliesItsOwnStateAndReportsTheRealizedGeneration() {
    engine.setCounters(
        new EngineCounters(2, 5, 100, 90, 3)
            .withDhcp(
                new DhcpCounters(
                    1,
                    12,
                    10,
                    Map.of("discover", 6L, "request", 6L),
                    Map.of("offer", 5L, "ack", 5L),
                    Map.of("pool_exhausted", 1L, "queue_full", 0L),
                    List.of("apps/web"),
                    new LeaseStoreCounters(40, 3, 1, 2, 4, 25, 5, 6, 7))));
    SwitchNodeState written = write("node-a", web("apps/a", "apps/b"));
    // Another node's state must not reach this agent.
    SwitchNodeStateSpec other = spec("fabric", "node-b");
    other.getPorts().add(port("apps/elsewhere", 10, "02:00:00:00:09:09"));
    write("node-b", other);

    agent = startAgent(engine);

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              SwitchNodeState state = stored();
              assertThat(state.getStatus()).isNotNull();
              assertThat(state.getStatus().getRealizedGeneration())
                  .isEqualTo(written.getMetadata().getGeneration());
            });
    SwitchNodeState state = stored();
    assertThat(engine.ports()).containsOnlyKeys("apps/a", "apps/b");
    assertThat(engine.vlanIds()).containsExactly(10);
    assertThat(ready(state).getStatus()).isEqualTo("True");
    assertThat(ready(state).getReason()).isEqualTo("Realized");
    assertThat(state.getStatus().getCounters().getPorts()).isEqualTo(2);
    assertThat(state.getStatus().getCounters().getMacEntries()).isEqualTo(5);
    assertThat(state.getStatus().getCounters().getRxPackets()).isEqualTo(100);
    assertThat(state.getStatus().getCounters().getTxPackets()).isEqualTo(90);
    assertThat(state.getStatus().getCounters().getDroppedPackets()).isEqualTo(3);
    SwitchNodeDhcpCounters dhcp = state.getStatus().getCounters().getDhcp();
    assertThat(dhcp.getServedVlans()).isEqualTo(1);
    assertThat(dhcp.getRequests()).isEqualTo(12);
    assertThat(dhcp.getReplies()).isEqualTo(10);
    assertThat(dhcp.getReceived())
        .containsOnly(Map.entry("discover", 6L), Map.entry("request", 6L));
    assertThat(dhcp.getSent()).containsOnly(Map.entry("ack", 5L), Map.entry("offer", 5L));
    assertThat(dhcp.getDrops())
        .containsOnly(Map.entry("pool_exhausted", 1L), Map.entry("queue_full", 0L));
    assertThat(dhcp.getExhaustedNetworks()).containsExactly("apps/web");
    SwitchNodeLeaseStoreCounters leaseStore = dhcp.getLeaseStore();
    assertThat(leaseStore.getApiRequests()).isEqualTo(40);
    assertThat(leaseStore.getBlockConflicts()).isEqualTo(3);
    assertThat(leaseStore.getForeignBlocks()).isEqualTo(1);
    assertThat(leaseStore.getMalformedRecords()).isEqualTo(2);
    assertThat(leaseStore.getImportedBlocks()).isEqualTo(4);
    assertThat(leaseStore.getProjectionWrites()).isEqualTo(25);
    assertThat(leaseStore.getProjectionConflicts()).isEqualTo(5);
    assertThat(leaseStore.getProjectionFailures()).isEqualTo(6);
    assertThat(leaseStore.getProjectionPending()).isEqualTo(7);
  }

  @Test
  void aNewSpecIsAppliedAsADifferenceAndAnUnchangedStatusIsNotWrittenAgain() {
    write("node-a", web("apps/a", "apps/b"));
    agent = startAgent(engine);
    await().atMost(DEADLINE).until(() -> agent.statusWrites() == 1);
    engine.clearCalls();

    SwitchNodeState second = write("node-a", web("apps/a"));

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(stored().getStatus().getRealizedGeneration())
                    .isEqualTo(second.getMetadata().getGeneration()));
    assertThat(engine.calls()).containsExactly("removePort apps/b");
    long writes = agent.statusWrites();
    // Several status ticks (200 ms) pass with nothing new to say, and write nothing.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(DEADLINE)
        .until(() -> agent.statusWrites() == writes);
  }

  @Test
  void aRefusedPortMakesReadyFalseAndIsRetriedUntilItWorks() {
    engine.refuse("putPort apps/b");
    SwitchNodeState written = write("node-a", web("apps/a", "apps/b"));
    agent = startAgent(engine);

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              SwitchNodeState state = stored();
              assertThat(state.getStatus()).isNotNull();
              assertThat(ready(state).getStatus()).isEqualTo("False");
              assertThat(ready(state).getReason()).isEqualTo("ApplyFailed");
              assertThat(ready(state).getMessage())
                  .isEqualTo(
                      "generation "
                          + written.getMetadata().getGeneration()
                          + ": put port apps/b: refused: putPort apps/b");
              assertThat(state.getStatus().getRealizedGeneration()).isNull();
            });

    engine.allow("putPort apps/b");

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              SwitchNodeState state = stored();
              assertThat(ready(state).getStatus()).isEqualTo("True");
              assertThat(state.getStatus().getRealizedGeneration())
                  .isEqualTo(written.getMetadata().getGeneration());
            });
    assertThat(engine.ports()).containsOnlyKeys("apps/a", "apps/b");
  }

  @Test
  void keepsForwardingThroughAnApiOutageAndCatchesUpWhenItReturns() {
    write("node-a", web("apps/a", "apps/b"));
    agent = startAgent(engine);
    await().atMost(DEADLINE).until(() -> agent.statusWrites() == 1);

    api.stop();
    engine.setCounters(new EngineCounters(2, 7, 1000, 1000, 0));
    // Status ticks fail while the server is away; the engine keeps its ports all along.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(DEADLINE)
        .until(() -> engine.ports().keySet().equals(Set.of("apps/a", "apps/b")));
    assertThat(agent.held().ports()).containsOnlyKeys("apps/a", "apps/b");

    api.restart();
    SwitchNodeState afterOutage = write("node-a", web("apps/a", "apps/b", "apps/c"));

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              SwitchNodeState state = stored();
              assertThat(state.getStatus().getRealizedGeneration())
                  .isEqualTo(afterOutage.getMetadata().getGeneration());
              assertThat(state.getStatus().getCounters().getMacEntries()).isEqualTo(7);
            });
    assertThat(engine.ports()).containsOnlyKeys("apps/a", "apps/b", "apps/c");
  }

  @Test
  void aRestartedAgentRestoresItsPortsFromTheLocalCopyBeforeTheApiAnswers() {
    SwitchNodeState written = write("node-a", web("apps/a", "apps/b"));
    agent = startAgent(engine);
    await().atMost(DEADLINE).until(() -> agent.statusWrites() == 1);
    agent.close();

    api.stop();
    InMemorySwitchEngine restarted = new InMemorySwitchEngine();
    agent = startAgent(restarted);

    // start() returned with the ports plugged in, with the API server still away.
    assertThat(restarted.ports()).containsOnlyKeys("apps/a", "apps/b");
    assertThat(agent.realizedGeneration()).isEqualTo(written.getMetadata().getGeneration());

    api.restart();
    SwitchNodeState changed = write("node-a", web("apps/a"));
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(stored().getStatus().getRealizedGeneration())
                    .isEqualTo(changed.getMetadata().getGeneration()));
    assertThat(restarted.ports()).containsOnlyKeys("apps/a");
    // Nothing was torn down and plugged in again: only the removed port was touched after start.
    assertThat(restarted.calls())
        .containsExactly(
            "configureSwitch",
            "putVlan 10",
            "putPort apps/a",
            "putPort apps/b",
            "removePort apps/b");
  }

  @Test
  void whenItsStateIsDeletedEverythingIsRemoved() {
    write("node-a", web("apps/a"));
    agent = startAgent(engine);
    await().atMost(DEADLINE).until(() -> agent.statusWrites() == 1);

    operator.resources(SwitchNodeState.class).withName("fabric.node-a").delete();

    await().atMost(DEADLINE).untilAsserted(() -> assertThat(engine.ports()).isEmpty());
    assertThat(engine.vlanIds()).isEmpty();
  }
}
