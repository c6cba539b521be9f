package io.kvswitch.operator.switches;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.MockCluster;
import io.kvswitch.operator.compiler.Fixtures;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class AgentDaemonSetTest {

  @Test
  void selectorExpressionsBecomeNodeAffinityOneToOne() {
    VirtualSwitch vsw = Fixtures.vswitch("fabric");
    vsw.getSpec()
        .setNodeSelector(
            new LabelSelectorBuilder()
                .withMatchLabels(Map.of("zone", "a"))
                .withMatchExpressions(
                    new LabelSelectorRequirementBuilder()
                        .withKey("maintenance")
                        .withOperator("DoesNotExist")
                        .build())
                .build());

    DaemonSet ds = AgentDaemonSet.desired(vsw, MockCluster.CONFIG);

    var term =
        ds.getSpec()
            .getTemplate()
            .getSpec()
            .getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    assertThat(term).hasSize(1);
    assertThat(term.getFirst().getMatchExpressions())
        .extracting(r -> r.getKey(), r -> r.getOperator(), r -> r.getValues())
        .containsExactly(
            Tuple.tuple("zone", "In", List.of("a")),
            Tuple.tuple("maintenance", "DoesNotExist", List.of()));
  }

  @Test
  void aSwitchOnEveryNodeHasNoNodeAffinity() {
    DaemonSet ds = AgentDaemonSet.desired(Fixtures.vswitch("fabric"), MockCluster.CONFIG);

    assertThat(ds.getSpec().getTemplate().getSpec().getAffinity())
        .as("an empty node selector term would match no node")
        .isNull();
  }

  @Test
  void anInitContainerInstallsTheCniPluginIntoTheHostWithoutCapabilities() {
    DaemonSet ds = AgentDaemonSet.desired(Fixtures.vswitch("fabric"), MockCluster.CONFIG);

    var init = ds.getSpec().getTemplate().getSpec().getInitContainers();
    assertThat(init).hasSize(1);
    assertThat(init.getFirst().getName()).isEqualTo("install-cni");
    assertThat(init.getFirst().getImage()).isEqualTo(MockCluster.IMAGE);
    assertThat(init.getFirst().getCommand())
        .containsExactly("/opt/kvswitch/cni/kvswitch.d/bin/install.sh", "/opt/cni/bin");
    assertThat(init.getFirst().getVolumeMounts())
        .extracting(m -> m.getName(), m -> m.getMountPath())
        .containsExactly(Tuple.tuple("cni-bin", "/opt/cni/bin"));
    assertThat(init.getFirst().getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(init.getFirst().getSecurityContext().getCapabilities().getDrop())
        .containsExactly("ALL");
    assertThat(init.getFirst().getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
  }

  @Test
  void agentRunsUnprivilegedWithOnlyTheNetworkCapabilitiesAndOneNodeDownAtATime() {
    DaemonSet ds = AgentDaemonSet.desired(Fixtures.vswitch("fabric"), MockCluster.CONFIG);

    var pod = ds.getSpec().getTemplate().getSpec();
    var security = pod.getContainers().getFirst().getSecurityContext();
    assertThat(security.getPrivileged()).isFalse();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getAdd())
        .containsExactly("NET_ADMIN", "NET_RAW", "SYS_ADMIN");
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge().getIntVal())
        .isZero();
    assertThat(ds.getSpec().getSelector().getMatchLabels())
        .isEqualTo(
            Map.of("app.kubernetes.io/component", "dataplane", "kvswitch.io/switch", "fabric"));
    assertThat(pod.getTolerations()).extracting(t -> t.getOperator()).containsExactly("Exists");
    assertThat(pod.getContainers().getFirst().getEnv())
        .extracting(e -> e.getName())
        .containsExactly(
            "NODE_NAME", "KVSWITCH_SWITCH", "KVSWITCH_NAMESPACE", "KVSWITCH_METRICS_PORT");
  }

  @Test
  void theAgentServesMetricsOnTheNodeAtTheContainerPortItIsToldOf() {
    DaemonSet ds = AgentDaemonSet.desired(Fixtures.vswitch("fabric"), MockCluster.CONFIG);

    var pod = ds.getSpec().getTemplate().getSpec();
    var agent = pod.getContainers().getFirst();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(agent.getEnv())
        .filteredOn(e -> e.getName().equals("KVSWITCH_METRICS_PORT"))
        .extracting(e -> e.getValue())
        .containsExactly("9464");
    assertThat(agent.getPorts()).hasSize(1);
    assertThat(agent.getPorts().getFirst().getName()).isEqualTo("metrics");
    assertThat(agent.getPorts().getFirst().getContainerPort()).isEqualTo(9464);
    assertThat(agent.getPorts().getFirst().getProtocol()).isEqualTo("TCP");
  }
}
