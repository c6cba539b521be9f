package io.kvswitch.operator.switches;

import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.Labels;

/** Binds a switch's agent ServiceAccount to the agent ClusterRole. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentClusterRoleBindingDependent
    extends CRUDKubernetesDependentResource<ClusterRoleBinding, VirtualSwitch> {

  public AgentClusterRoleBindingDependent() {
    super(ClusterRoleBinding.class);
  }

  @Override
  protected ClusterRoleBinding desired(VirtualSwitch vsw, Context<VirtualSwitch> context) {
    return AgentServiceAccount.binding(vsw, SwitchContext.of(context).config());
  }
}
