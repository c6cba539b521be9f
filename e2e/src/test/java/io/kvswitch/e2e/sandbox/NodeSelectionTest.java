package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import org.junit.jupiter.api.Test;

/** Which node a DaemonSet's Pod is for, and the node affinity the DaemonSet controller writes. */
class NodeSelectionTest {

  private static Node node(String name) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("kubernetes.io/os", "linux")
        .endMetadata()
        .build();
  }

  private static Pod controllersPod(String node) {
    return DaemonSetController.podFor(
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName("agent")
            .withNamespace("kvswitch-system")
            .withUid("ds-uid")
            .withGeneration(3L)
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("agent")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build(),
        node);
  }

  @Test
  void aPodIsForTheNodeItIsBoundToOrElseTheOneItsAffinityNames() {
    Pod pod = controllersPod("node-2");
    assertThat(NodeSelection.boundNode(pod.getSpec())).contains("node-2");

    pod.getSpec().setNodeName(null);
    assertThat(NodeSelection.boundNode(pod.getSpec())).contains("node-2");
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(DaemonSetController.TEMPLATE_GENERATION, "3");
    assertThat(DaemonSetController.daemonSetOwner(pod))
        .hasValueSatisfying(o -> assertThat(o.getUid()).isEqualTo("ds-uid"));
  }

  @Test
  void aPodWithoutNodeOrAffinityIsForNoNode() {
    PodSpec spec = new PodSpecBuilder().addNewContainer().withName("x").endContainer().build();
    assertThat(NodeSelection.boundNode(spec)).isEmpty();
  }

  @Test
  void theControllersAffinityMatchesItsNodeByNameOnly() {
    PodSpec spec = controllersPod("node-2").getSpec();

    assertThat(NodeSelection.matches(spec, node("node-2"))).isTrue();
    assertThat(NodeSelection.matches(spec, node("node-1"))).isFalse();
  }
}
