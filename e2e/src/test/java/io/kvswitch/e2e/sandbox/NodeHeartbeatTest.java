package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.e2e.sandbox.api.SandboxApiServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A simulated node's heartbeats, as a kubelet sends them: the Ready condition and the Lease. */
class NodeHeartbeatTest {

  private static final Instant FIRST = Instant.parse("2026-11-21T10:00:00Z");
  private static final Instant SECOND = Instant.parse("2026-11-21T10:00:10.250Z");

  @TempDir Path dir;
  private SandboxApiServer server;
  private KubernetesClient client;
  private SandboxState state;

  /** A clock the test moves on, instead of waiting. */
  private static final class SteppedClock extends Clock {
    Instant now = FIRST;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @BeforeEach
  void start() {
    server = SandboxApiServer.start(0);
    client = server.client();
    state = SandboxState.create(dir, "h3rt");
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("node-1")
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withLastTransitionTime("2026-11-21T09:59:00Z")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private Lease lease() {
    return client.leases().inNamespace("kube-node-lease").withName("node-1").get();
  }

  private NodeCondition ready() {
    return client.nodes().withName("node-1").get().getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void eachBeatRefreshesTheReadyHeartbeatAndRenewsTheNodesLease() {
    state.update(r -> r.externalServer = "https://localhost:6443");
    SteppedClock clock = new SteppedClock();
    NodeHeartbeat heartbeat = new NodeHeartbeat(client, state, clock);
    Node node = client.nodes().withName("node-1").get();

    heartbeat.beat("node-1");

    Lease lease = lease();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("node-1");
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
    assertThat(lease.getSpec().getRenewTime().toInstant()).isEqualTo(FIRST);
    assertThat(lease.getMetadata().getLabels()).containsEntry(SimulatedNodes.SANDBOX_LABEL, "h3rt");
    assertThat(lease.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Node");
              assertThat(o.getUid()).isEqualTo(node.getMetadata().getUid());
            });
    assertThat(state.record().clusterObjects)
        .extracting(Object::toString)
        .containsExactly("Lease kube-node-lease/node-1");
    assertThat(ready().getLastHeartbeatTime()).isEqualTo("2026-11-21T10:00:00Z");

    clock.now = SECOND;
    heartbeat.beat("node-1");

    assertThat(lease().getSpec().getRenewTime())
        .isEqualTo(ZonedDateTime.ofInstant(SECOND, ZoneOffset.UTC));
    assertThat(client.leases().inNamespace("kube-node-lease").list().getItems()).hasSize(1);
    assertThat(ready().getLastHeartbeatTime()).isEqualTo("2026-11-21T10:00:10Z");
    assertThat(ready().getLastTransitionTime())
        .as("a heartbeat is not a transition")
        .isEqualTo("2026-11-21T09:59:00Z");
    assertThat(state.record().clusterObjects).hasSize(1);
  }

  @Test
  void aNodeTheLifecycleControllerMarkedUnknownIsReadyAgainOnTheNextBeat() {
    client
        .nodes()
        .withName("node-1")
        .editStatus(
            n -> {
              NodeCondition ready = n.getStatus().getConditions().getFirst();
              ready.setStatus("Unknown");
              ready.setReason("NodeStatusUnknown");
              return n;
            });

    new NodeHeartbeat(client, state, new SteppedClock()).beat("node-1");

    assertThat(ready().getStatus()).isEqualTo("True");
    assertThat(ready().getReason()).isEqualTo("KubeletReady");
    assertThat(ready().getLastTransitionTime()).isEqualTo("2026-11-21T10:00:00Z");
  }

  @Test
  void withItsOwnApiServerTheLeaseIsNotRecordedAndAGoneNodeIsSkipped() {
    NodeHeartbeat heartbeat = new NodeHeartbeat(client, state, new SteppedClock());

    heartbeat.beat("node-1");
    heartbeat.beat("node-2");

    assertThat(lease()).isNotNull();
    assertThat(client.leases().inNamespace("kube-node-lease").withName("node-2").get()).isNull();
    assertThat(state.record().clusterObjects).isEmpty();
  }

  private String condition(String node, String type) {
    return client.nodes().withName(node).get().getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(NodeCondition::getStatus)
        .findFirst()
        .orElse("absent");
  }

  @Test
  void theLifecycleControllersUnknownPressureConditionsAreSetFalseAsAKubeletReportsThem() {
    client
        .nodes()
        .withName("node-1")
        .editStatus(
            n -> {
              for (String type : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
                NodeCondition condition = new NodeCondition();
                condition.setType(type);
                condition.setStatus("Unknown");
                condition.setReason("NodeStatusUnknown");
                n.getStatus().getConditions().add(condition);
              }
              return n;
            });

    new NodeHeartbeat(client, state, new SteppedClock()).beat("node-1");

    assertThat(condition("node-1", "MemoryPressure")).isEqualTo("False");
    assertThat(condition("node-1", "DiskPressure")).isEqualTo("False");
    assertThat(condition("node-1", "PIDPressure")).isEqualTo("False");
    assertThat(condition("node-1", "Ready")).isEqualTo("True");
    assertThat(client.nodes().withName("node-1").get().getStatus().getConditions())
        .filteredOn(c -> c.getType().equals("PIDPressure"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getReason()).isEqualTo("KubeletHasSufficientPID");
              assertThat(c.getLastHeartbeatTime()).isEqualTo("2026-11-21T10:00:00Z");
            });
  }

  @Test
  void aNodeWithoutStatusGetsTheConditionsOfAHealthyKubelet() {
    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("bare").endMetadata().build())
        .create();

    new NodeHeartbeat(client, state, new SteppedClock()).beat("bare");

    assertThat(condition("bare", "Ready")).isEqualTo("True");
    assertThat(condition("bare", "MemoryPressure")).isEqualTo("False");
    assertThat(client.leases().inNamespace("kube-node-lease").withName("bare").get()).isNotNull();
  }
}
