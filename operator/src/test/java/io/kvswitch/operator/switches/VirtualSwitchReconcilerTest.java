package io.kvswitch.operator.switches;

import static io.kvswitch.operator.compiler.Fixtures.node;
import static io.kvswitch.operator.compiler.Fixtures.vswitch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchNodeStateStatus;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VirtualSwitchStatus;
import io.kvswitch.operator.MockCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class VirtualSwitchReconcilerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Map<String, String> FABRIC = Map.of("kvswitch.io/fabric", "yes");

  KubernetesClient client;
  MockCluster cluster;

  @BeforeEach
  void start() {
    cluster = MockCluster.start(client);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private VirtualSwitch createFabric() {
    client.resource(node("n1", "192.168.0.1", FABRIC)).create();
    client.resource(node("n2", "192.168.0.2", FABRIC)).create();
    client.resource(node("n3", "192.168.0.3", Map.of())).create();
    return client.resource(vswitch("fabric", FABRIC)).create();
  }

  private VirtualSwitchStatus status() {
    VirtualSwitchStatus status =
        client.resources(VirtualSwitch.class).withName("fabric").get().getStatus();
    assertThat(status).as("status").isNotNull();
    return status;
  }

  private static Optional<Condition> ready(VirtualSwitchStatus status) {
    return status == null
        ? Optional.empty()
        : status.getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst();
  }

  private List<String> stateNames() {
    return client.resources(SwitchNodeState.class).list().getItems().stream()
        .map(s -> s.getMetadata().getName())
        .sorted()
        .toList();
  }

  @Test
  void aSwitchGetsItsAgentDaemonSetIdentityAndOneStatePerSelectedNode() {
    VirtualSwitch fabric = createFabric();

    await()
        .atMost(DEADLINE)
        .untilAsserted(() -> assertThat(stateNames()).containsExactly("fabric.n1", "fabric.n2"));
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                client
                        .apps()
                        .daemonSets()
                        .inNamespace(MockCluster.NAMESPACE)
                        .withName("kvswitch-fabric")
                        .get()
                    != null);

    DaemonSet ds =
        client
            .apps()
            .daemonSets()
            .inNamespace(MockCluster.NAMESPACE)
            .withName("kvswitch-fabric")
            .get();
    assertOwnedBy(ds, fabric);
    assertThat(ds.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "kvswitch-operator")
        .containsEntry("app.kubernetes.io/part-of", "kvswitch")
        .containsEntry("app.kubernetes.io/component", "dataplane")
        .containsEntry("kvswitch.io/switch", "fabric");
    var pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo("kvswitch-fabric");
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
    var terms =
        pod.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    assertThat(terms).hasSize(1);
    assertThat(terms.getFirst().getMatchExpressions())
        .extracting(r -> r.getKey(), r -> r.getOperator(), r -> r.getValues())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("kvswitch.io/fabric", "In", List.of("yes")));
    Container agent = pod.getContainers().getFirst();
    assertThat(agent.getImage()).isEqualTo(MockCluster.IMAGE);
    assertThat(agent.getSecurityContext().getPrivileged()).isFalse();
    assertThat(agent.getSecurityContext().getCapabilities().getAdd())
        .containsExactly("NET_ADMIN", "NET_RAW", "SYS_ADMIN");
    assertThat(agent.getEnv())
        .filteredOn(e -> e.getName().equals("NODE_NAME"))
        .extracting(e -> e.getValueFrom().getFieldRef().getFieldPath())
        .containsExactly("spec.nodeName");
    assertThat(agent.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .containsExactlyInAnyOrder(
            "/var/run/netns", "/run/kvswitch", "/opt/cni/bin", "/etc/cni/net.d", "/dev/net/tun");

    ServiceAccount sa =
        client
            .serviceAccounts()
            .inNamespace(MockCluster.NAMESPACE)
            .withName("kvswitch-fabric")
            .get();
    assertOwnedBy(sa, fabric);
    ClusterRoleBinding binding =
        client.rbac().clusterRoleBindings().withName("kvswitch-agent-fabric").get();
    assertOwnedBy(binding, fabric);
    assertThat(binding.getRoleRef().getName()).isEqualTo("kvswitch-agent");
    assertThat(binding.getSubjects())
        .extracting(s -> s.getKind(), s -> s.getName(), s -> s.getNamespace())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "ServiceAccount", "kvswitch-fabric", MockCluster.NAMESPACE));

    SwitchNodeState n1 = cluster.state("fabric.n1");
    assertOwnedBy(n1, fabric);
    assertThat(n1.getMetadata().getLabels())
        .containsEntry("kvswitch.io/switch", "fabric")
        .containsEntry("kvswitch.io/node", "n1");
    assertThat(n1.getSpec().getUnderlayIp()).isEqualTo("192.168.0.1");
    assertThat(n1.getSpec().getSwitchGeneration()).isEqualTo(1L);

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              VirtualSwitchStatus status = status();
              assertThat(status.getNodesDesired()).isEqualTo(2);
              assertThat(status.getNodesReady()).isZero();
              assertThat(status.getObservedGeneration()).isEqualTo(1L);
              assertThat(ready(status).orElseThrow().getStatus()).isEqualTo("False");
              assertThat(ready(status).orElseThrow().getReason()).isEqualTo("NodesPending");
              assertThat(ready(status).orElseThrow().getMessage())
                  .isEqualTo("realized on 0 of 2 nodes; waiting for n1, n2");
            });
  }

  @Test
  void readyOnlyWhenEveryNodeRealizedTheCurrentGeneration() {
    createFabric();
    await().atMost(DEADLINE).until(() -> stateNames().size() == 2);

    cluster.realize("fabric.n1");
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(status().getNodesReady()).isEqualTo(1);
              assertThat(ready(status()).orElseThrow().getMessage())
                  .isEqualTo("realized on 1 of 2 nodes; waiting for n2");
            });
    String pendingSince = ready(status()).orElseThrow().getLastTransitionTime();

    // An agent that cannot apply its state says why; the switch's message quotes it.
    client
        .resources(SwitchNodeState.class)
        .withName("fabric.n2")
        .editStatus(
            state -> {
              SwitchNodeStateStatus failed = new SwitchNodeStateStatus();
              failed.setConditions(
                  List.of(
                      new ConditionBuilder()
                          .withType("Ready")
                          .withStatus("False")
                          .withReason("UplinkMissing")
                          .withMessage("interface eth9 not found")
                          .build()));
              state.setStatus(failed);
              return state;
            });
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(ready(status()).orElseThrow().getMessage())
                    .isEqualTo(
                        "realized on 1 of 2 nodes; waiting for n2;"
                            + " n2: UplinkMissing: interface eth9 not found"));

    cluster.realize("fabric.n2");
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(status().getNodesReady()).isEqualTo(2);
              assertThat(ready(status()).orElseThrow().getStatus()).isEqualTo("True");
              assertThat(ready(status()).orElseThrow().getReason()).isEqualTo("Realized");
            });

    // A new generation is not ready until the agents realized it.
    client
        .resources(VirtualSwitch.class)
        .withName("fabric")
        // A merge patch, as kubectl sends: it carries no resourceVersion, so the operator's
        // concurrent status writes cannot make it conflict.
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"mtu\":9000}}");
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              SwitchNodeState n1 = cluster.state("fabric.n1");
              assertThat(n1.getSpec().getMtu()).isEqualTo(9000);
              assertThat(n1.getSpec().getSwitchGeneration()).isEqualTo(2L);
              assertThat(status().getObservedGeneration()).isEqualTo(2L);
              assertThat(status().getNodesReady()).isZero();
              assertThat(ready(status()).orElseThrow().getStatus()).isEqualTo("False");
            });
    assertThat(pendingSince).isNotNull();
  }

  @Test
  void aNodeThatLosesTheLabelLosesItsState() {
    createFabric();
    await().atMost(DEADLINE).until(() -> stateNames().size() == 2);

    client
        .nodes()
        .withName("n2")
        .edit(
            n -> {
              n.getMetadata().getLabels().remove("kvswitch.io/fabric");
              return n;
            });

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(stateNames()).containsExactly("fabric.n1");
              assertThat(status().getNodesDesired()).isEqualTo(1);
            });
  }

  @Test
  void narrowingTheNodeSelectorNarrowsTheDaemonSetAndTheStates() {
    VirtualSwitch fabric = vswitch("fabric");
    fabric
        .getSpec()
        .setNodeSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(FABRIC)
                .withMatchExpressions(
                    new LabelSelectorRequirementBuilder()
                        .withKey("zone")
                        .withOperator("Exists")
                        .build())
                .build());
    client
        .resource(node("n1", "192.168.0.1", Map.of("kvswitch.io/fabric", "yes", "zone", "a")))
        .create();
    client.resource(node("n2", "192.168.0.2", FABRIC)).create();
    client.resource(fabric).create();
    await()
        .atMost(DEADLINE)
        .untilAsserted(() -> assertThat(stateNames()).containsExactly("fabric.n1"));

    client
        .resources(VirtualSwitch.class)
        .withName("fabric")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"remove\",\"path\":\"/spec/nodeSelector/matchExpressions\"}]");

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(stateNames()).containsExactly("fabric.n1", "fabric.n2");
              DaemonSet ds =
                  client
                      .apps()
                      .daemonSets()
                      .inNamespace(MockCluster.NAMESPACE)
                      .withName("kvswitch-fabric")
                      .get();
              assertThat(
                      ds.getSpec()
                          .getTemplate()
                          .getSpec()
                          .getAffinity()
                          .getNodeAffinity()
                          .getRequiredDuringSchedulingIgnoredDuringExecution()
                          .getNodeSelectorTerms()
                          .getFirst()
                          .getMatchExpressions())
                  .extracting(r -> r.getKey())
                  .containsExactly("kvswitch.io/fabric");
            });
  }

  @Test
  void aReconcileWithNothingChangedWritesNothing() {
    createFabric();
    await().atMost(DEADLINE).until(() -> stateNames().size() == 2);
    cluster.realize("fabric.n1");
    cluster.realize("fabric.n2");
    await()
        .atMost(DEADLINE)
        .until(() -> "True".equals(ready(status()).map(Condition::getStatus).orElse(null)));
    Map<String, String> versions = resourceVersions();
    String switchVersion =
        client
            .resources(VirtualSwitch.class)
            .withName("fabric")
            .get()
            .getMetadata()
            .getResourceVersion();
    long before = cluster.metrics().reconciles("VirtualSwitch");

    // A label no selector looks at: the switch is reconciled again, with the same outcome.
    Node n3 = client.nodes().withName("n3").get();
    n3.getMetadata().getLabels().put("unrelated", "x");
    client.resource(n3).update();
    await().atMost(DEADLINE).until(() -> cluster.metrics().reconciles("VirtualSwitch") > before);
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                cluster
                    .metrics()
                    .render()
                    .contains("kvswitch_reconciles_in_progress{kind=\"VirtualSwitch\"} 0"));

    assertThat(resourceVersions()).isEqualTo(versions);
    assertThat(
            client
                .resources(VirtualSwitch.class)
                .withName("fabric")
                .get()
                .getMetadata()
                .getResourceVersion())
        .as("an unchanged status is not patched")
        .isEqualTo(switchVersion);
  }

  private Map<String, String> resourceVersions() {
    Map<String, String> versions = new java.util.TreeMap<>();
    client
        .resources(SwitchNodeState.class)
        .list()
        .getItems()
        .forEach(
            s -> versions.put(s.getMetadata().getName(), s.getMetadata().getResourceVersion()));
    DaemonSet ds =
        client
            .apps()
            .daemonSets()
            .inNamespace(MockCluster.NAMESPACE)
            .withName("kvswitch-fabric")
            .get();
    versions.put("daemonset", ds.getMetadata().getResourceVersion());
    return versions;
  }

  static void assertOwnedBy(HasMetadata owned, HasMetadata owner) {
    assertThat(owned.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getKind, OwnerReference::getName, OwnerReference::getUid)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                owner.getKind(), owner.getMetadata().getName(), owner.getMetadata().getUid()));
  }
}
