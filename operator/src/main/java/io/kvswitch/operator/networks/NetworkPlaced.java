package io.kvswitch.operator.networks;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.kvswitch.api.v1alpha1.VlanNetwork;

/**
 * A network has an attachment only while a switch carries it. A network in conflict or on a missing
 * switch has none, so new pods fail to start with a clear CNI error instead of attaching to a VLAN
 * no node programs.
 */
public class NetworkPlaced implements Condition<NetworkAttachmentDefinition, VlanNetwork> {

  @Override
  public boolean isMet(
      DependentResource<NetworkAttachmentDefinition, VlanNetwork> dependent,
      VlanNetwork network,
      Context<VlanNetwork> context) {
    return NetworkContext.of(context).problem().isEmpty();
  }
}
