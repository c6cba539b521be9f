package io.kvswitch.operator.switches;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.Labels;

/** The ServiceAccount a switch's agents run as. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentServiceAccountDependent
    extends CRUDKubernetesDependentResource<ServiceAccount, VirtualSwitch> {

  public AgentServiceAccountDependent() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(VirtualSwitch vsw, Context<VirtualSwitch> context) {
    return AgentServiceAccount.desired(vsw, SwitchContext.of(context).config());
  }
}
