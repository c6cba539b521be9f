package io.kvswitch.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.dependent.DependentResourceSpec;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.kvswitch.operator.metrics.OperatorMetrics;
import io.kvswitch.operator.switches.VirtualSwitchReconciler;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The agents' DaemonSets and ServiceAccounts are watched in the operator's namespace only, which is
 * what the chart's namespaced Role grants; watching every namespace would need cluster-wide
 * DaemonSet rights.
 */
@EnableKubernetesMockClient(crud = true)
class AgentObjectsNamespaceTest {

  KubernetesClient client;

  @Test
  void daemonSetAndServiceAccountInformersWatchOnlyTheOperatorNamespace() {
    Operator operator =
        KvswitchOperator.create(
            client, MockCluster.CONFIG, new OperatorMetrics(), Clock.systemUTC());

    RegisteredController<?> controller =
        operator.getRegisteredController(VirtualSwitchReconciler.NAME).orElseThrow();
    Map<String, Set<String>> namespaces = informerNamespaces(controller.getConfiguration());

    assertThat(namespaces)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "daemonset", Set.of(MockCluster.NAMESPACE),
                "serviceaccount", Set.of(MockCluster.NAMESPACE)));
  }

  /**
   * The namespaces each dependent's informer watches, as registered (annotation plus overrides).
   * JOSDK's workflow spec hands out raw dependent specs, hence the suppression.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Map<String, Set<String>> informerNamespaces(ControllerConfiguration<?> config) {
    Map<String, Set<String>> namespaces = new HashMap<>();
    for (DependentResourceSpec spec :
        config.getWorkflowSpec().orElseThrow().getDependentResourceSpecs()) {
      if (Set.of("daemonset", "serviceaccount").contains(spec.getName())) {
        Object resolved = ((ControllerConfiguration) config).getConfigurationFor(spec);
        namespaces.put(
            spec.getName(),
            ((KubernetesDependentResourceConfig<?>) resolved).informerConfig().getNamespaces());
      }
    }
    return namespaces;
  }
}
