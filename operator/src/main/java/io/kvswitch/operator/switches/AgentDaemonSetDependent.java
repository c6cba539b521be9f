package io.kvswitch.operator.switches;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.Labels;
import java.util.Objects;

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

  /**
   * The framework's matcher without server-side apply ignores fields the stored object has and the
   * desired one lacks (they look like server defaults), so a node selector requirement the user
   * removed would stay. The node affinity is compared exactly on top of it.
   */
  @Override
  public Matcher.Result<DaemonSet> match(
      DaemonSet actual, VirtualSwitch vsw, Context<VirtualSwitch> context) {
    Matcher.Result<DaemonSet> result = super.match(actual, vsw, context);
    if (!result.matched()) {
      return result;
    }
    DaemonSet desired = desired(vsw, context);
    return Objects.equals(affinity(actual), affinity(desired))
        ? result
        : Matcher.Result.computed(false, desired);
  }

  private static Affinity affinity(DaemonSet ds) {
    return ds.getSpec().getTemplate().getSpec().getAffinity();
  }
}
