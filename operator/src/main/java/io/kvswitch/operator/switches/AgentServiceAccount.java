package io.kvswitch.operator.switches;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.Labels;
import io.kvswitch.operator.OperatorConfig;

/**
 * The identity of a switch's agents and its binding to the agent ClusterRole the chart creates. One
 * per switch, so that removing a switch revokes exactly its agents' access.
 */
public final class AgentServiceAccount {

  private AgentServiceAccount() {}

  public static String name(VirtualSwitch vsw) {
    return "kvswitch-" + vsw.getMetadata().getName();
  }

  /** Cluster-scoped, so the name says whose binding it is. */
  public static String bindingName(VirtualSwitch vsw) {
    return "kvswitch-agent-" + vsw.getMetadata().getName();
  }

  public static ServiceAccount desired(VirtualSwitch vsw, OperatorConfig config) {
    return new ServiceAccountBuilder()
        .withNewMetadata()
        .withName(name(vsw))
        .withNamespace(config.namespace())
        .withLabels(Labels.of(AgentDaemonSet.COMPONENT, vsw.getMetadata().getName()))
        .endMetadata()
        .build();
  }

  public static ClusterRoleBinding binding(VirtualSwitch vsw, OperatorConfig config) {
    return new ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(bindingName(vsw))
        .withLabels(Labels.of(AgentDaemonSet.COMPONENT, vsw.getMetadata().getName()))
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(config.agentClusterRole())
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(name(vsw))
        .withNamespace(config.namespace())
        .endSubject()
        .build();
  }
}
