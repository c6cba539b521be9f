package io.kvswitch.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.kvswitch.operator.metrics.OperatorMetrics;
import io.kvswitch.operator.mirrors.MirrorSessionReconciler;
import io.kvswitch.operator.networks.VlanNetworkReconciler;
import io.kvswitch.operator.status.WarningEvents;
import io.kvswitch.operator.switches.VirtualSwitchReconciler;
import java.time.Clock;
import java.util.Set;

/** Builds the operator: one reconciler per kind, on one client, with the configured options. */
public final class KvswitchOperator {

  private KvswitchOperator() {}

  public static Operator create(
      KubernetesClient client, OperatorConfig config, OperatorMetrics metrics, Clock clock) {
    return create(client, config, metrics, clock, true);
  }

  /**
   * @param exitOnLostLease end the process when leadership is lost, so that a replica that can no
   *     longer renew its Lease never reconciles beside the new leader; tests that stop and start
   *     operators inside one JVM turn it off
   */
  static Operator create(
      KubernetesClient client,
      OperatorConfig config,
      OperatorMetrics metrics,
      Clock clock,
      boolean exitOnLostLease) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withMetrics(metrics)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(config.serverSideApply())
                  .withSSABasedCreateUpdateMatchForDependentResources(config.serverSideApply());
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            OperatorConfig.LEASE_NAME)
                        .withLeaseNamespace(config.namespace())
                        .withExitOnStopLeading(exitOnLostLease)
                        .build());
              }
            });
    WarningEvents events = new WarningEvents(client, config.namespace(), clock);
    // The agents' DaemonSets and ServiceAccounts live in the operator's namespace only; watching
    // just that namespace is what lets the chart grant those with a Role instead of a
    // ClusterRole (cluster-wide DaemonSet create would come close to cluster-admin).
    operator.register(
        new VirtualSwitchReconciler(config, metrics, clock),
        o ->
            o.replacingNamedDependentResourceConfig(
                    "daemonset", inOperatorNamespace(DaemonSet.class, config))
                .replacingNamedDependentResourceConfig(
                    "serviceaccount", inOperatorNamespace(ServiceAccount.class, config)));
    operator.register(new VlanNetworkReconciler(events, clock));
    operator.register(new MirrorSessionReconciler(events, clock));
    return operator;
  }

  private static <R extends HasMetadata> KubernetesDependentResourceConfig<R> inOperatorNamespace(
      Class<R> type, OperatorConfig config) {
    return new KubernetesDependentResourceConfigBuilder<R>()
        .withKubernetesDependentInformerConfig(
            InformerConfiguration.builder(type)
                .withLabelSelector(Labels.MANAGED_SELECTOR)
                .withNamespaces(Set.of(config.namespace()))
                .build())
        .build();
  }

  /**
   * What {@code GET /readyz} answers: started, and every informer healthy. A standby replica
   * (leader election on, another replica leads) must answer true too, or a rolling update and the
   * disruption budget would wait on it forever.
   */
  public static boolean isReady(Operator operator) {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }
}
