package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import org.junit.jupiter.api.Test;

/** The Pods the stand-in DaemonSet controller makes, as the real one makes them. */
class DaemonSetControllerTest {

  @Test
  void aPodKeepsTheTemplatesAffinityButItsRequiredNodeAffinityNamesOnlyItsNode() {
    Affinity template =
        new AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("kubernetes.io/os")
            .withOperator("In")
            .withValues("linux")
            .endMatchExpression()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(10)
            .withNewPreference()
            .addNewMatchExpression()
            .withKey("zone")
            .withOperator("Exists")
            .endMatchExpression()
            .endPreference()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .withNewPodAntiAffinity()
            .addNewRequiredDuringSchedulingIgnoredDuringExecution()
            .withTopologyKey("kubernetes.io/hostname")
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endPodAntiAffinity()
            .build();
    DaemonSet ds =
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName("agent")
            .withNamespace("ns")
            .withUid("uid-1")
            .withGeneration(1L)
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .withAffinity(template)
            .addNewContainer()
            .withName("agent")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();

    Pod pod = DaemonSetController.podFor(ds, "node-1");

    Affinity affinity = pod.getSpec().getAffinity();
    assertThat(affinity.getPodAntiAffinity()).isEqualTo(template.getPodAntiAffinity());
    assertThat(affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .isEqualTo(template.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
    assertThat(NodeSelection.requiredTerms(pod.getSpec()).orElseThrow())
        .singleElement()
        .satisfies(
            term -> {
              assertThat(term.getMatchExpressions()).isNullOrEmpty();
              assertThat(term.getMatchFields())
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f.getKey()).isEqualTo("metadata.name");
                        assertThat(f.getValues()).containsExactly("node-1");
                      });
            });
    assertThat(NodeSelection.boundNode(pod.getSpec())).contains("node-1");
    assertThat(ds.getSpec().getTemplate().getSpec().getAffinity())
        .as("the template is left as it was")
        .isEqualTo(template);
  }
}
