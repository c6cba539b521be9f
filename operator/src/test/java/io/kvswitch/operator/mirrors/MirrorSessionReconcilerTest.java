package io.kvswitch.operator.mirrors;

import static io.kvswitch.operator.compiler.Fixtures.network;
import static io.kvswitch.operator.compiler.Fixtures.node;
import static io.kvswitch.operator.compiler.Fixtures.podMirror;
import static io.kvswitch.operator.compiler.Fixtures.port;
import static io.kvswitch.operator.compiler.Fixtures.vswitch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.api.v1alpha1.MirrorCounters;
import io.kvswitch.api.v1alpha1.MirrorDirection;
import io.kvswitch.api.v1alpha1.MirrorSession;
import io.kvswitch.api.v1alpha1.MirrorSessionStatus;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchNodeStateStatus;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.operator.MockCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class MirrorSessionReconcilerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  KubernetesClient client;
  MockCluster cluster;

  @BeforeEach
  void start() {
    cluster = MockCluster.start(client);
    client.resource(node("n1", "192.168.0.1")).create();
    client.resource(node("n2", "192.168.0.2")).create();
    client.resource(vswitch("fabric")).create();
    for (VlanNetwork network :
        List.of(
            network("apps", "web", "fabric", 100, null),
            network("apps", "tap", "fabric", 900, null))) {
      network.setMetadata(
          new ObjectMetaBuilder()
              .withNamespace("apps")
              .withName(network.getMetadata().getName())
              .build());
      client.resource(network).create();
    }
    client
        .resource(
            port(
                "apps",
                "web-0",
                "web",
                "n1",
                "02:00:00:00:00:01",
                "10.100.0.10",
                PortState.Active,
                Map.of("app", "web")))
        .create();
    client
        .resource(
            port(
                "apps",
                "web-1",
                "web",
                "n2",
                "02:00:00:00:00:02",
                "10.100.0.11",
                PortState.Active,
                Map.of("app", "web")))
        .create();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private MirrorSessionStatus status(String name) {
    MirrorSession session =
        client.resources(MirrorSession.class).inNamespace("apps").withName(name).get();
    assertThat(session.getStatus()).as("status of %s", name).isNotNull();
    return session.getStatus();
  }

  private static Condition condition(MirrorSessionStatus status, String type) {
    assertThat(status).as("status").isNotNull();
    return status.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  @Test
  void aSessionIsProgrammedWhereItsSourcesAreAndReportsWhatAgentsCount() {
    client.resource(port("apps", "ids", "tap", "n2", "02:00:00:00:00:09", "10.90.0.9")).create();
    client
        .resource(
            podMirror("apps", "span", Map.of("app", "web"), MirrorDirection.Both, "ids", "tap"))
        .create();

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              MirrorSessionStatus status = status("span");
              assertThat(status.getMatchedSources()).isEqualTo(2);
              assertThat(status.getActiveNodes()).isEqualTo(2);
              assertThat(condition(status, "DestinationNotFound").getStatus()).isEqualTo("False");
              assertThat(condition(status, "Ready").getReason()).isEqualTo("NodesPending");
              List<SwitchNodeMirror> mirrors = cluster.state("fabric.n1").getSpec().getMirrors();
              assertThat(mirrors).hasSize(1);
              SwitchNodeMirror onN1 = mirrors.getFirst();
              assertThat(onN1.getSession()).isEqualTo("apps/span");
              assertThat(onN1.getSources())
                  .extracting(s -> s.getPort())
                  .containsExactly("apps/web-0-net1");
              assertThat(onN1.getDestination().getPort().getNode()).isEqualTo("n2");
            });

    for (String node : List.of("n1", "n2")) {
      cluster.realize(
          "fabric." + node,
          status -> {
            MirrorCounters counters = new MirrorCounters();
            counters.setSession("apps/span");
            counters.setMirroredPackets(node.equals("n1") ? 40L : 2L);
            counters.setDroppedPackets(1L);
            status.getCounters().setMirrors(List.of(counters));
          });
    }

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              MirrorSessionStatus status = status("span");
              assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
              assertThat(condition(status, "Ready").getMessage())
                  .isEqualTo("mirroring 2 ports on 2 nodes");
              assertThat(status.getMirroredPackets()).isEqualTo(42L);
              assertThat(status.getDroppedPackets()).isEqualTo(2L);
            });

    client.resources(MirrorSession.class).inNamespace("apps").withName("span").delete();
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(cluster.state("fabric.n1").getSpec().getMirrors()).isEmpty();
              assertThat(cluster.state("fabric.n2").getSpec().getMirrors()).isEmpty();
            });
  }

  @Test
  void aNodeThatRefusesTheSessionIsQuotedInItsReadyMessage() {
    client.resource(port("apps", "ids", "tap", "n2", "02:00:00:00:00:09", "10.90.0.9")).create();
    client
        .resource(
            podMirror("apps", "span", Map.of("app", "web"), MirrorDirection.Both, "ids", "tap"))
        .create();
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> assertThat(cluster.state("fabric.n1").getSpec().getMirrors()).hasSize(1));

    String refusal =
        "generation 2: put mirror apps/span: mirror apps/span: destination port apps/ids-net1 is on"
            + " node n2; copies to a port on another node are not supported, use an ERSPAN"
            + " destination";
    cluster.realize("fabric.n2");
    client
        .resources(SwitchNodeState.class)
        .withName("fabric.n1")
        .editStatus(
            state -> {
              SwitchNodeStateStatus status = new SwitchNodeStateStatus();
              status.setConditions(
                  List.of(
                      new ConditionBuilder()
                          .withType("Ready")
                          .withStatus("False")
                          .withReason("ApplyFailed")
                          .withMessage(refusal)
                          .build()));
              state.setStatus(status);
              return state;
            });

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              Condition ready = condition(status("span"), "Ready");
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo("NodesPending");
              assertThat(ready.getMessage())
                  .isEqualTo(
                      "programmed on 1 of 2 nodes; waiting for n1; n1: ApplyFailed: " + refusal);
            });
  }

  @Test
  void aSessionWhoseDestinationHasNoPortIsProgrammedNowhere() {
    client
        .resource(
            podMirror("apps", "span", Map.of("app", "web"), MirrorDirection.Both, "ids", "tap"))
        .create();

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              MirrorSessionStatus status = status("span");
              assertThat(status.getMatchedSources()).isEqualTo(2);
              assertThat(status.getActiveNodes()).isZero();
              assertThat(condition(status, "DestinationNotFound").getStatus()).isEqualTo("True");
              assertThat(condition(status, "DestinationNotFound").getMessage())
                  .isEqualTo("pod ids has no port on network apps/tap");
              assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
              assertThat(
                      client.v1().events().inNamespace("apps").list().getItems().stream()
                          .filter(e -> e.getInvolvedObject().getName().equals("span"))
                          .map(Event::getReason)
                          .toList())
                  .containsExactly("DestinationPortMissing");
              SwitchNodeState n1 = cluster.state("fabric.n1");
              assertThat(n1.getSpec().getPorts()).hasSize(1);
              assertThat(n1.getSpec().getMirrors()).isEmpty();
            });
  }
}
