package io.kvswitch.operator.switches;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.OperatorConfig;
import io.kvswitch.operator.compiler.Compilation;

/**
 * What the switch reconciler hands its dependents for one reconcile: the configuration and the
 * compilation it just made, so that every dependent works from the same snapshot.
 */
record SwitchContext(OperatorConfig config, Compilation compilation) {

  static void put(Context<VirtualSwitch> context, SwitchContext value) {
    context.managedWorkflowAndDependentResourceContext().put(SwitchContext.class, value);
  }

  static SwitchContext of(Context<VirtualSwitch> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(SwitchContext.class, SwitchContext.class);
  }
}
