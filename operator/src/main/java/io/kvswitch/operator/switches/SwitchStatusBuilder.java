package io.kvswitch.operator.switches;

import io.kvswitch.api.v1alpha1.ConditionTypes;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VirtualSwitchStatus;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.operator.compiler.Compilation;
import io.kvswitch.operator.compiler.SwitchNodeKey;
import io.kvswitch.operator.status.Conditions;
import io.kvswitch.operator.status.NodeRealization;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A switch's status: how many of its nodes realized the current generation, and Ready only when all
 * of them did, naming the ones that did not.
 */
final class SwitchStatusBuilder {

  static final String REASON_REALIZED = "Realized";
  static final String REASON_PENDING = "NodesPending";
  static final String REASON_NO_NODES = "NoNodesSelected";

  private final Clock clock;

  SwitchStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  VirtualSwitchStatus build(
      VirtualSwitch vsw, Compilation compilation, Collection<SwitchNodeState> stored) {
    String switchName = vsw.getMetadata().getName();
    Long generation = vsw.getMetadata().getGeneration();
    Map<String, SwitchNodeState> byName = new HashMap<>();
    for (SwitchNodeState state : stored) {
      byName.put(state.getMetadata().getName(), state);
    }
    int desired = 0;
    int ports = 0;
    List<String> pending = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Map.Entry<SwitchNodeKey, SwitchNodeStateSpec> entry : compilation.states().entrySet()) {
      SwitchNodeKey key = entry.getKey();
      if (!key.switchName().equals(switchName)) {
        continue;
      }
      desired++;
      ports += entry.getValue().getPorts().size();
      SwitchNodeState state = byName.get(key.objectName());
      boolean current =
          state != null
              && state.getSpec() != null
              && Objects.equals(state.getSpec().getSwitchGeneration(), generation)
              && NodeRealization.realized(state);
      if (!current) {
        pending.add(key.nodeName());
        if (state != null) {
          NodeRealization.failure(state).ifPresent(failures::add);
        }
      }
    }
    VirtualSwitchStatus status = new VirtualSwitchStatus();
    status.setObservedGeneration(generation);
    status.setNodesDesired(desired);
    status.setNodesReady(desired - pending.size());
    status.setPorts(ports);
    status.setVlans(
        compilation.assignment().networksOn(switchName).stream()
            .map(VlanNetwork::getSpec)
            .map(s -> s.getVlanId())
            .sorted()
            .toList());
    Conditions conditions =
        new Conditions(
            vsw.getStatus() == null ? null : vsw.getStatus().getConditions(), generation, clock);
    if (desired == 0) {
      conditions.set(
          ConditionTypes.READY, false, REASON_NO_NODES, "the node selector matches no node");
    } else if (pending.isEmpty()) {
      conditions.set(
          ConditionTypes.READY,
          true,
          REASON_REALIZED,
          "generation " + generation + " realized on all " + desired + " nodes");
    } else {
      conditions.set(
          ConditionTypes.READY,
          false,
          REASON_PENDING,
          NodeRealization.pendingMessage(desired - pending.size(), desired, pending, failures));
    }
    status.setConditions(conditions.build());
    return status;
  }
}
