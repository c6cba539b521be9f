package io.kvswitch.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

  @Test
  void defaultsFollowTheChartContract() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());

    assertThat(config.namespace()).isEqualTo("kvswitch-system");
    assertThat(config.dataplaneImage())
        .as("tagged with the project version the build filled in")
        .matches("ghcr\\.io/kvswitch/dataplane:[0-9]+\\.[0-9]+\\.[0-9]+(-SNAPSHOT)?");
    assertThat(config.dataplaneImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(config.agentClusterRole()).isEqualTo("kvswitch-agent");
    assertThat(config.leaderElection()).isTrue();
    assertThat(config.metricsPort()).isEqualTo(8080);
    assertThat(config.healthPort()).isEqualTo(8081);
    assertThat(config.serverSideApply()).isTrue();
  }

  @Test
  void environmentOverridesEveryDefault() {
    OperatorConfig config =
        OperatorConfig.fromEnvironment(
            Map.of(
                "KVSWITCH_NAMESPACE", "net",
                "KVSWITCH_DATAPLANE_IMAGE", "r.example/dp:1",
                "KVSWITCH_DATAPLANE_IMAGE_PULL_POLICY", "Always",
                "KVSWITCH_AGENT_CLUSTER_ROLE", "agents",
                "KVSWITCH_LEADER_ELECTION", "False",
                "KVSWITCH_METRICS_PORT", "9090",
                "KVSWITCH_HEALTH_PORT", "9091",
                "KVSWITCH_SERVER_SIDE_APPLY", "false"));

    assertThat(config)
        .isEqualTo(
            new OperatorConfig(
                "net", "r.example/dp:1", "Always", "agents", false, 9090, 9091, false));
  }

  @Test
  void malformedValuesAreRefusedWithTheVariableName() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("KVSWITCH_METRICS_PORT", "80a")))
        .hasMessageContaining("KVSWITCH_METRICS_PORT");
    assertThatThrownBy(
            () -> OperatorConfig.fromEnvironment(Map.of("KVSWITCH_LEADER_ELECTION", "yes")))
        .hasMessageContaining("KVSWITCH_LEADER_ELECTION");
  }
}
