package io.kvswitch.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json refuses bad values before anything renders, naming the value. */
class ValuesSchemaTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          operator.replicas                  | two        | - at '/operator/replicas': got string, want integer
          operator.replicas                  | -1         | - at '/operator/replicas': minimum: got -1, want 0
          operator.image.pullPolicy          | Sometimes  | - at '/operator/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'
          dataplane.image.pullPolicy         | always     | - at '/dataplane/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'
          operator.metricsPort               | -1         | - at '/operator/metricsPort': minimum: got -1, want 1
          operator.healthPort                | 70000      | - at '/operator/healthPort': maximum: got 70,000, want 65,535
          metrics.service.port               | 0          | - at '/metrics/service/port': minimum: got 0, want 1
          operator.leaderElection            | yes        | - at '/operator/leaderElection': got string, want boolean
          operator.logLevel                  | verbose    | - at '/operator/logLevel': value must be one of 'trace', 'debug', 'info', 'warn', 'error'
          operator.replica                   | 3          | - at '/operator': additional properties 'replica' not allowed
          dataplane.image.digest             | latest     | - at '/dataplane/image/digest': 'latest' does not match pattern
          agent.clusterRoleName              | Agent_Role | - at '/agent/clusterRoleName': 'Agent_Role' does not match pattern
          metrics.serviceMonitor.interval    | often      | - at '/metrics/serviceMonitor/interval': 'often' does not match pattern
          podDisruptionBudget.maxUnavailable | half       | - at '/podDisruptionBudget/maxUnavailable': 'half' does not match pattern '^[0-9]+%$'
          replicas                           | 2          | - at '': additional properties 'replicas' not allowed
          """)
  void badValueIsRefusedWithAMessageNamingIt(String key, String value, String message) {
    String refusal = KvswitchChart.renderError(Map.of(key, value));

    assertThat(refusal)
        .startsWith("values don't meet the specifications of the schema(s)")
        .contains(message);
  }

  @Test
  void everyBadValueIsReportedAtOnce() {
    String refusal =
        KvswitchChart.renderError(
            Map.of("operator.replicas", "two", "operator.image.pullPolicy", "Sometimes"));

    assertThat(refusal)
        .contains("- at '/operator/replicas': got string, want integer")
        .contains("- at '/operator/image/pullPolicy': value must be one of");
  }

  @Test
  void anExistingServiceAccountMustBeNamed() {
    assertThat(KvswitchChart.renderError(Map.of("serviceAccount.create", false)))
        .contains(
            "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create"
                + " is false");
  }

  @Test
  void aServiceMonitorNeedsTheMetricsService() {
    assertThat(
            KvswitchChart.renderError(
                Map.of("metrics.serviceMonitor.enabled", true, "metrics.service.enabled", false)))
        .contains(
            "metrics.serviceMonitor.enabled needs metrics.service.enabled: the ServiceMonitor"
                + " scrapes that Service");
  }

  @Test
  void aClusterOlderThanTheCelFunctionsTheCrdsUseIsRefused() {
    IllegalStateException refused =
        catchThrowableOfType(
            IllegalStateException.class,
            () ->
                KvswitchChart.helm()
                    .template()
                    .withName(KvswitchChart.RELEASE)
                    .withKubeVersion("v1.29.9")
                    .call());

    assertThat(refused)
        .hasMessageContaining(
            "chart requires kubeVersion: >=1.30.0-0 which is incompatible with Kubernetes v1.29.9");
  }
}
