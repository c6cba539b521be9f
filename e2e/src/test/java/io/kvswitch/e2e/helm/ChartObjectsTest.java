package io.kvswitch.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What one install creates, and that every object says which release and app it belongs to. */
class ChartObjectsTest {

  private static final String OPERATOR = "kvswitch-operator";

  @Test
  void defaultInstallCreatesTheOperatorItsRbacAMetricsServiceAndADisruptionBudget() {
    assertThat(KvswitchChart.render().names())
        .containsExactlyInAnyOrder(
            "ServiceAccount/kvswitch-operator",
            "ClusterRole/kvswitch-operator",
            "ClusterRoleBinding/kvswitch-operator",
            "Role/kvswitch-operator",
            "RoleBinding/kvswitch-operator",
            "ClusterRole/kvswitch-agent",
            "Service/kvswitch-operator-metrics",
            "Deployment/kvswitch-operator",
            "PodDisruptionBudget/kvswitch-operator");
  }

  @Test
  void everyObjectCarriesTheStandardLabels() {
    for (HasMetadata object :
        KvswitchChart.render(Map.of("metrics.serviceMonitor.enabled", true)).all()) {
      assertThat(object.getMetadata().getLabels())
          .as("labels of %s/%s", object.getKind(), object.getMetadata().getName())
          .containsEntry("app.kubernetes.io/name", "kvswitch")
          .containsEntry("app.kubernetes.io/instance", KvswitchChart.RELEASE)
          .containsEntry("app.kubernetes.io/version", "0.1.0")
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/part-of", "kvswitch")
          .containsEntry("helm.sh/chart", "kvswitch-0.1.0")
          .containsKey("app.kubernetes.io/component");
    }
  }

  @Test
  void namespacedObjectsNameTheReleaseNamespace() {
    for (HasMetadata object : KvswitchChart.render().all()) {
      boolean clusterScoped = object.getKind().startsWith("Cluster");
      assertThat(object.getMetadata().getNamespace())
          .as("namespace of %s/%s", object.getKind(), object.getMetadata().getName())
          .isEqualTo(clusterScoped ? null : KvswitchChart.NAMESPACE);
    }
  }

  @Test
  void metricsServiceSelectsTheOperatorPodsOnTheMetricsPort() {
    RenderedObjects chart = KvswitchChart.render();
    Service service = chart.one(Service.class, "kvswitch-operator-metrics");
    Deployment deployment = chart.one(Deployment.class, OPERATOR);

    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    ServicePort metrics =
        new ServicePortBuilder()
            .withName("metrics")
            .withPort(8080)
            .withNewTargetPort("metrics")
            .withProtocol("TCP")
            .build();
    assertThat(service.getSpec().getPorts()).containsExactly(metrics);
  }

  @Test
  void serviceMonitorIsOffByDefaultAndScrapesTheMetricsServiceWhenOn() {
    assertThat(KvswitchChart.render().names()).noneMatch(n -> n.startsWith("ServiceMonitor/"));

    RenderedObjects chart =
        KvswitchChart.render(
            Map.of(
                "metrics.serviceMonitor.enabled", true,
                "metrics.serviceMonitor.labels.release", "prometheus",
                "metrics.serviceMonitor.interval", "15s"));
    GenericKubernetesResource monitor = chart.one(GenericKubernetesResource.class, OPERATOR);
    Service service = chart.one(Service.class, "kvswitch-operator-metrics");

    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(service.getMetadata().getLabels())
        .containsAllEntriesOf(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"));
    assertThat(monitor.<List<String>>get("spec", "namespaceSelector", "matchNames"))
        .containsExactly(KvswitchChart.NAMESPACE);
    assertThat(monitor.<List<Map<String, Object>>>get("spec", "endpoints"))
        .containsExactly(
            Map.of(
                "port", "metrics", "path", "/metrics", "interval", "15s", "scrapeTimeout", "10s"));
  }

  @Test
  void disruptionBudgetLetsDrainsEvictOneOperatorAtATimeAndCanBeTurnedOff() {
    RenderedObjects chart = KvswitchChart.render();
    PodDisruptionBudget budget = chart.one(PodDisruptionBudget.class, OPERATOR);

    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(chart.one(Deployment.class, OPERATOR).getSpec().getSelector().getMatchLabels());
    assertThat(
            KvswitchChart.render(Map.of("podDisruptionBudget.maxUnavailable", "50%"))
                .one(PodDisruptionBudget.class, OPERATOR)
                .getSpec()
                .getMaxUnavailable()
                .getStrVal())
        .isEqualTo("50%");
    assertThat(
            KvswitchChart.render(Map.of("podDisruptionBudget.enabled", false))
                .find(PodDisruptionBudget.class, OPERATOR))
        .isEmpty();
  }

  @Test
  void metricsServiceCanBeTurnedOff() {
    assertThat(
            KvswitchChart.render(Map.of("metrics.service.enabled", false))
                .find(Service.class, "kvswitch-operator-metrics"))
        .isEmpty();
  }
}
