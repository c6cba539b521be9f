package io.kvswitch.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kvswitch.api.v1alpha1.ConditionTypes;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.e2e.testing.Command;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What deleting resources removes, and what bad input does: each scenario makes its own switch and
 * networks in one shared sandbox.
 */
@ExtendWith(SandboxExtension.class)
class ResourceLifecycleE2E {

  @Test
  void deletingTheNetworkThenTheSwitchRemovesEverythingTheyMade(Sandbox sandbox) throws Exception {
    Map<String, List<String>> interfacesBefore =
        Map.of(
            "node-1", sandbox.nodeInterfaces("node-1"), "node-2", sandbox.nodeInterfaces("node-2"));
    try (Scenario scenario = new Scenario(sandbox, "e2e-delete", 4794, 15000)) {
      String ns = scenario.namespace();
      scenario.network("lan", 51, "10.65.0", Scenario.dhcp("10.65.0", 10, 50));
      sandbox.awaitAgents(scenario.switchName());
      scenario.workload("pod", "gone-1", "node-1", "lan");
      scenario.workload("pod", "gone-2", "node-2", "lan");
      sandbox.awaitLease("gone-1");
      sandbox.awaitLease("gone-2");
      assertThat(sandbox.client().resources(SwitchPort.class).inNamespace(ns).list().getItems())
          .extracting(p -> p.getMetadata().getName())
          .containsExactlyInAnyOrder("gone-1-net1", "gone-2-net1");

      sandbox.client().resources(VlanNetwork.class).inNamespace(ns).withName("lan").delete();

      await("the network's attachment, compiled ports and leases are gone")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(
                        sandbox
                            .client()
                            .genericKubernetesResources(
                                "k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition")
                            .inNamespace(ns)
                            .withName("lan")
                            .get())
                    .isNull();
                for (SwitchNodeState state : nodeStates(sandbox, scenario.switchName())) {
                  assertThat(state.getSpec().getVlans())
                      .as("VLANs of %s", state.getMetadata().getName())
                      .noneMatch(v -> v.getVlanId() == 51);
                  assertThat(state.getSpec().getPorts())
                      .as("ports of %s", state.getMetadata().getName())
                      .noneMatch(p -> p.getVlanId() == 51);
                }
                assertThat(
                        sandbox
                            .client()
                            .resources(DhcpLease.class)
                            .inNamespace(ns)
                            .list()
                            .getItems())
                    .noneMatch(l -> "lan".equals(l.getSpec().getNetwork()));
                assertThat(
                        sandbox
                            .client()
                            .resources(DhcpLeaseBlock.class)
                            .inNamespace(ns)
                            .list()
                            .getItems())
                    .noneMatch(b -> "lan".equals(b.getSpec().getNetwork()));
              });

      // The pods go as they would on a cluster (their network is gone), then the switch.
      sandbox.verbOk("pod", "del", "gone-1");
      sandbox.verbOk("pod", "del", "gone-2");
      scenario.forget("gone-1");
      scenario.forget("gone-2");
      assertThat(sandbox.client().resources(SwitchPort.class).inNamespace(ns).list().getItems())
          .isEmpty();
      sandbox.client().resources(VirtualSwitch.class).withName(scenario.switchName()).delete();

      await("the switch's DaemonSet, agents, node states and interfaces are gone")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(
                        sandbox
                            .client()
                            .apps()
                            .daemonSets()
                            .inNamespace("kvswitch-system")
                            .withName("kvswitch-" + scenario.switchName())
                            .get())
                    .isNull();
                assertThat(nodeStates(sandbox, scenario.switchName())).isEmpty();
                for (String node : List.of("node-1", "node-2")) {
                  assertThat(sandbox.agentPids(scenario.switchName(), node)).isEmpty();
                  assertThat(sandbox.nodeInterfaces(node))
                      .as("interfaces in %s", node)
                      .containsExactlyElementsOf(interfacesBefore.get(node));
                }
              });
    }
  }

  private static List<SwitchNodeState> nodeStates(Sandbox sandbox, String switchName) {
    return sandbox
        .client()
        .resources(SwitchNodeState.class)
        .withLabel("kvswitch.io/switch", switchName)
        .list()
        .getItems();
  }

  @Test
  void invalidResourcesAreRefusedOrReportedAndTheGoodOnesKeepServing(Sandbox sandbox)
      throws Exception {
    try (Scenario scenario = new Scenario(sandbox, "e2e-bad", 4795, 16000)) {
      String ns = scenario.namespace();
      scenario.network("good", 61, "10.66.0", Scenario.noDhcp());
      sandbox.awaitAgents(scenario.switchName());
      scenario.workload("pod", "good-1", "node-1", "good", "--dhcp-timeout", "0");
      scenario.workload("pod", "good-2", "node-1", "good", "--dhcp-timeout", "0");
      sandbox.verbOk("exec", "good-1", "--", "ip", "addr", "add", "10.66.0.11/24", "dev", "net1");
      sandbox.verbOk("exec", "good-2", "--", "ip", "addr", "add", "10.66.0.12/24", "dev", "net1");
      await("good-1 reaches good-2")
          .atMost(Duration.ofSeconds(30))
          .until(() -> sandbox.ping("good-1", "10.66.0.12", 2) > 0);

      // Refused by the API server, with a message that names the field.
      assertThatThrownBy(
              () ->
                  sandbox.create(
                      """
                      apiVersion: kvswitch.io/v1alpha1
                      kind: VlanNetwork
                      metadata:
                        name: too-high
                        namespace: %s
                      spec:
                        switch: %s
                        vlanId: 5000
                        subnet: 10.67.0.0/24
                      """
                          .formatted(ns, scenario.switchName())))
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getMessage()).contains("vlanId");
              });
      assertThatThrownBy(
              () ->
                  sandbox.create(
                      """
                      apiVersion: kvswitch.io/v1alpha1
                      kind: VirtualSwitch
                      metadata:
                        name: e2e-tiny-mtu
                      spec:
                        mtu: 100
                      """))
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(422);
                assertThat(e.getMessage()).contains("mtu");
              });

      // Accepted, but only the operator can tell what is wrong: reported in status.
      sandbox.create(
          """
          apiVersion: kvswitch.io/v1alpha1
          kind: VlanNetwork
          metadata:
            name: orphan
            namespace: %s
          spec:
            switch: no-such-switch
            vlanId: 62
            subnet: 10.68.0.0/24
          ---
          apiVersion: kvswitch.io/v1alpha1
          kind: VlanNetwork
          metadata:
            name: twin
            namespace: %s
          spec:
            switch: %s
            vlanId: 61
            subnet: 10.69.0.0/24
          """
              .formatted(ns, ns, scenario.switchName()));
      await("the operator reports both problems")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(condition(sandbox, ns, "orphan", ConditionTypes.SWITCH_NOT_FOUND))
                    .isEqualTo("True");
                assertThat(condition(sandbox, ns, "orphan", "Ready")).isEqualTo("False");
                assertThat(condition(sandbox, ns, "twin", ConditionTypes.VLAN_CONFLICT))
                    .isEqualTo("True");
                assertThat(condition(sandbox, ns, "twin", "Ready")).isEqualTo("False");
                assertThat(condition(sandbox, ns, "good", ConditionTypes.VLAN_CONFLICT))
                    .isEqualTo("False");
              });
      // A pod asking for a network without an attachment is not attached, and says why.
      Command.Result orphanPod =
          sandbox.verb(
              "pod",
              "add",
              "stray",
              "--node",
              "node-1",
              "--network",
              ns + "/orphan",
              "--timeout",
              "10");
      scenario.forget("stray");
      sandbox.verb("pod", "del", "stray");
      assertThat(orphanPod.exitCode()).isEqualTo(1);
      assertThat(orphanPod.stderr()).contains("NetworkAttachmentDefinition " + ns + "/orphan");

      // The good network keeps serving: the old pods and a new one.
      scenario.workload("pod", "good-3", "node-1", "good", "--dhcp-timeout", "0");
      sandbox.verbOk("exec", "good-3", "--", "ip", "addr", "add", "10.66.0.13/24", "dev", "net1");
      await("good-1 reaches good-2 and good-3")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(sandbox.ping("good-1", "10.66.0.12", 2)).isPositive();
                assertThat(sandbox.ping("good-1", "10.66.0.13", 2)).isPositive();
              });
      for (String bad : List.of("orphan", "twin")) {
        sandbox.client().resources(VlanNetwork.class).inNamespace(ns).withName(bad).delete();
      }
    }
  }

  private static String condition(Sandbox sandbox, String ns, String network, String type) {
    VlanNetwork object =
        sandbox.client().resources(VlanNetwork.class).inNamespace(ns).withName(network).get();
    if (object == null
        || object.getStatus() == null
        || object.getStatus().getConditions() == null) {
      return "absent";
    }
    return object.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(Condition::getStatus)
        .findFirst()
        .orElse("absent");
  }
}
