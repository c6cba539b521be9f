package io.kvswitch.operator;

import static io.kvswitch.operator.compiler.Fixtures.vswitch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.metrics.OperatorMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** With leader election on, the operator takes the contract's Lease before it reconciles. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {

  private static final OperatorConfig LEADER_ELECTION =
      new OperatorConfig(
          MockCluster.NAMESPACE,
          MockCluster.IMAGE,
          "IfNotPresent",
          "kvswitch-agent",
          true,
          0,
          0,
          false);

  KubernetesClient client;
  KubernetesMockServer server;

  /**
   * The framework asks the API server whether it may use Leases before it campaigns; the mock
   * server cannot evaluate access reviews, so it answers as the chart's RBAC would.
   */
  private void allowLeasesAsTheChartDoes() {
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
  }

  @Test
  void theLeaderHoldsTheKvswitchOperatorLeaseInItsNamespaceAndReconciles() {
    MockCluster.registerCrds(client);
    allowLeasesAsTheChartDoes();
    Operator operator =
        KvswitchOperator.create(
            client, LEADER_ELECTION, new OperatorMetrics(), Clock.systemUTC(), false);
    try {
      operator.start();
      client.resource(vswitch("fabric")).create();

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                Lease lease =
                    client
                        .leases()
                        .inNamespace(MockCluster.NAMESPACE)
                        .withName("kvswitch-operator")
                        .get();
                assertThat(lease).isNotNull();
                assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
                assertThat(
                        client.resources(VirtualSwitch.class).withName("fabric").get().getStatus())
                    .isNotNull();
              });
    } finally {
      operator.stop();
    }
  }

  @Test
  void aStandbyReplicaIsReadyButDoesNotReconcile() {
    MockCluster.registerCrds(client);
    allowLeasesAsTheChartDoes();
    // Another replica holds the Lease and keeps renewing it, far into the future.
    client
        .leases()
        .inNamespace(MockCluster.NAMESPACE)
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName("kvswitch-operator")
                .withNamespace(MockCluster.NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("the-other-replica")
                .withLeaseDurationSeconds(3600)
                .withAcquireTime(ZonedDateTime.now(ZoneOffset.UTC))
                .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                .endSpec()
                .build())
        .create();
    Operator operator =
        KvswitchOperator.create(
            client, LEADER_ELECTION, new OperatorMetrics(), Clock.systemUTC(), false);
    try {
      operator.start();
      client.resource(vswitch("fabric")).create();

      await().atMost(Duration.ofSeconds(30)).until(() -> KvswitchOperator.isReady(operator));
      assertThat(client.resources(VirtualSwitch.class).withName("fabric").get().getStatus())
          .as("a standby replica reconciles nothing")
          .isNull();
      assertThat(
              client
                  .leases()
                  .inNamespace(MockCluster.NAMESPACE)
                  .withName("kvswitch-operator")
                  .get()
                  .getSpec()
                  .getHolderIdentity())
          .isEqualTo("the-other-replica");
    } finally {
      operator.stop();
    }
  }
}
