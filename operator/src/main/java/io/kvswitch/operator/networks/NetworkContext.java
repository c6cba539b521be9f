package io.kvswitch.operator.networks;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.operator.compiler.NetworkProblem;
import java.util.Optional;

/** What the network reconciler worked out for its dependents in one reconcile. */
record NetworkContext(Optional<VirtualSwitch> vswitch, Optional<NetworkProblem> problem) {

  static void put(Context<VlanNetwork> context, NetworkContext value) {
    context.managedWorkflowAndDependentResourceContext().put(NetworkContext.class, value);
  }

  static NetworkContext of(Context<VlanNetwork> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(NetworkContext.class, NetworkContext.class);
  }
}
