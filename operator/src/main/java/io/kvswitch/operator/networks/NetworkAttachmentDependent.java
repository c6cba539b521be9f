package io.kvswitch.operator.networks;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.operator.Labels;

/** A network's NetworkAttachmentDefinition; see {@link NetworkAttachment}. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class NetworkAttachmentDependent
    extends CRUDKubernetesDependentResource<NetworkAttachmentDefinition, VlanNetwork> {

  public NetworkAttachmentDependent() {
    super(NetworkAttachmentDefinition.class);
  }

  @Override
  protected NetworkAttachmentDefinition desired(VlanNetwork network, Context<VlanNetwork> context) {
    return NetworkAttachment.desired(network, NetworkContext.of(context).vswitch().orElse(null));
  }
}
