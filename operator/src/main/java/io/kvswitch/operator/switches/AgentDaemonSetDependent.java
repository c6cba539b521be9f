package io.kvswitch.operator.switches;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.Labels;

/** A switch's agent DaemonSet; see {@link AgentDaemonSet}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentDaemonSetDependent
    extends CRUDKubernetesDependentResource<DaemonSet, VirtualSwitch> {

  public AgentDaemonSetDependent() {
    super(DaemonSet.class);
  }

  @Override
  protected DaemonSet desired(VirtualSwitch vsw, Context<VirtualSwitch> context) {
    return AgentDaemonSet.desired(vsw, SwitchContext.of(context).config());
  }
}
