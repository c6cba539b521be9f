package io.kvswitch.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart grants the operator and the agents exactly what the contract lists, no more. */
class ChartRbacTest {

  private static final String OPERATOR = "kvswitch-operator";

  @Test
  void operatorClusterRoleGrantsExactlyTheContractsClusterWideAccess() {
    ClusterRole role = KvswitchChart.render().one(ClusterRole.class, OPERATOR);

    assertThat(Grant.of(role.getRules()))
        .containsExactlyElementsOf(
            OperatorContract.operatorClusterWide(OperatorContract.AGENT_CLUSTER_ROLE));
  }

  @Test
  void workloadsServiceAccountsConfigMapsAndTheLeaseAreWritableOnlyInTheReleaseNamespace() {
    RenderedObjects chart = KvswitchChart.render();
    Role role = chart.one(Role.class, OPERATOR);

    assertThat(role.getMetadata().getNamespace()).isEqualTo(KvswitchChart.NAMESPACE);
    assertThat(Grant.of(role.getRules()))
        .containsExactlyElementsOf(OperatorContract.operatorInItsNamespace(true));
    assertThat(chart.ofType(Role.class)).hasSize(1);
  }

  @Test
  void withoutLeaderElectionTheOperatorGetsNoLeaseAccess() {
    Role role =
        KvswitchChart.render(Map.of("operator.replicas", 1, "operator.leaderElection", false))
            .one(Role.class, OPERATOR);

    assertThat(Grant.of(role.getRules()))
        .containsExactlyElementsOf(OperatorContract.operatorInItsNamespace(false));
  }

  @Test
  void agentClusterRoleGrantsExactlyTheContractsAgentAccess() {
    ClusterRole role =
        KvswitchChart.render().one(ClusterRole.class, OperatorContract.AGENT_CLUSTER_ROLE);

    assertThat(Grant.of(role.getRules())).containsExactlyElementsOf(OperatorContract.agent());
    assertThat(role.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "dataplane");
  }

  @Test
  void bindingsGiveTheRolesToTheOperatorsServiceAccount() {
    RenderedObjects chart = KvswitchChart.render();
    Subject operator = new Subject(null, "ServiceAccount", OPERATOR, KvswitchChart.NAMESPACE);

    ClusterRoleBinding clusterBinding = chart.one(ClusterRoleBinding.class, OPERATOR);
    assertThat(clusterBinding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(clusterBinding.getRoleRef().getName()).isEqualTo(OPERATOR);
    assertThat(clusterBinding.getSubjects()).containsExactly(operator);

    RoleBinding binding = chart.one(RoleBinding.class, OPERATOR);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(OPERATOR);
    assertThat(binding.getSubjects()).containsExactly(operator);

    assertThat(chart.ofType(ClusterRoleBinding.class)).hasSize(1);
  }

  @Test
  void renamedAgentRoleIsCreatedBoundAndPassedToTheOperatorUnderTheSameName() {
    RenderedObjects chart = KvswitchChart.render(Map.of("agent.clusterRoleName", "tenant-a-agent"));

    assertThat(chart.find(ClusterRole.class, "tenant-a-agent")).isPresent();
    assertThat(chart.find(ClusterRole.class, OperatorContract.AGENT_CLUSTER_ROLE)).isEmpty();
    assertThat(Grant.of(chart.one(ClusterRole.class, OPERATOR).getRules()))
        .containsExactlyElementsOf(OperatorContract.operatorClusterWide("tenant-a-agent"));
    Deployment deployment = chart.one(Deployment.class, OPERATOR);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
        .contains(new EnvVar("KVSWITCH_AGENT_CLUSTER_ROLE", "tenant-a-agent", null));
  }

  @Test
  void anExistingServiceAccountIsBoundWhenTheChartCreatesNone() {
    RenderedObjects chart =
        KvswitchChart.render(
            Map.of("serviceAccount.create", false, "serviceAccount.name", "platform-operator"));

    assertThat(chart.names()).noneMatch(n -> n.startsWith("ServiceAccount/"));
    Subject existing =
        new Subject(null, "ServiceAccount", "platform-operator", KvswitchChart.NAMESPACE);
    assertThat(chart.one(ClusterRoleBinding.class, OPERATOR).getSubjects())
        .containsExactly(existing);
    assertThat(chart.one(RoleBinding.class, OPERATOR).getSubjects()).containsExactly(existing);
    assertThat(
            chart
                .one(Deployment.class, OPERATOR)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getServiceAccountName())
        .isEqualTo("platform-operator");
  }
}
