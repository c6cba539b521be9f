package io.kvswitch.operator.networks;

import io.kvswitch.api.v1alpha1.ConditionTypes;
import io.kvswitch.api.v1alpha1.LeaseCounts;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkStatus;
import io.kvswitch.operator.compiler.NetworkProblem;
import io.kvswitch.operator.compiler.ObjectKey;
import io.kvswitch.operator.compiler.VlanAssignment;
import io.kvswitch.operator.status.Conditions;
import io.kvswitch.operator.status.NodeRealization;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A network's status. It counts as realized on a node when that node's state carries this network's
 * current generation and the node's agent applied it. A network with DHCP gets its lease counts
 * from the agents' DhcpLeaseBlock records and a PoolExhausted condition, True when no address is
 * free.
 */
final class NetworkStatusBuilder {

  static final String REASON_REALIZED = "Realized";
  static final String REASON_PENDING = "NodesPending";
  static final String REASON_NO_PORTS = "NoPortsAttached";
  static final String REASON_NO_ATTACHMENT = "AttachmentPending";
  static final String REASON_VLAN_AVAILABLE = "VlanIdAvailable";
  static final String REASON_SWITCH_FOUND = "SwitchFound";
  static final String REASON_NO_FREE_ADDRESS = "NoFreeAddress";
  static final String REASON_ADDRESSES_AVAILABLE = "AddressesAvailable";

  private final Clock clock;

  NetworkStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  VlanNetworkStatus build(
      VlanNetwork network,
      Optional<NetworkProblem> problem,
      List<SwitchPort> attached,
      List<SwitchNodeState> states,
      boolean attachmentExists,
      Optional<LeaseCounts> leases,
      Conditions conditions) {
    String key = ObjectKey.of(network).toString();
    Long generation = network.getMetadata().getGeneration();
    VlanNetworkStatus status = new VlanNetworkStatus();
    status.setObservedGeneration(generation);
    status.setAttachedPorts(attached.size());
    leases.ifPresent(
        counts -> {
          status.setLeases(counts);
          boolean exhausted = counts.getFree() == 0;
          conditions.set(
              ConditionTypes.POOL_EXHAUSTED,
              exhausted,
              exhausted ? REASON_NO_FREE_ADDRESS : REASON_ADDRESSES_AVAILABLE,
              exhausted
                  ? "all "
                      + counts.getTotal()
                      + " addresses of the DHCP range are leased or quarantined; new clients get"
                      + " no address, renewals go on"
                  : counts.getFree() + " of " + counts.getTotal() + " addresses free");
        });

    boolean conflict =
        problem.filter(p -> p.conditionType().equals(ConditionTypes.VLAN_CONFLICT)).isPresent();
    boolean missing =
        problem.filter(p -> p.conditionType().equals(ConditionTypes.SWITCH_NOT_FOUND)).isPresent();
    conditions.set(
        ConditionTypes.VLAN_CONFLICT,
        conflict,
        conflict ? VlanAssignment.REASON_VLAN_IN_USE : REASON_VLAN_AVAILABLE,
        conflict
            ? problem.get().message()
            : "no other network on the switch uses VLAN " + network.getSpec().getVlanId());
    conditions.set(
        ConditionTypes.SWITCH_NOT_FOUND,
        missing,
        missing ? VlanAssignment.REASON_SWITCH_MISSING : REASON_SWITCH_FOUND,
        missing
            ? problem.get().message()
            : "VirtualSwitch " + network.getSpec().getSwitchName() + " exists");

    if (problem.isPresent()) {
      conditions.set(
          ConditionTypes.READY, false, problem.get().conditionType(), problem.get().message());
      status.setNodesDesired(0);
      status.setNodesRealized(0);
      status.setConditions(conditions.build());
      return status;
    }
    List<String> pending = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int desired = 0;
    for (SwitchNodeState state : states) {
      if (state.getSpec() == null) {
        continue;
      }
      List<SwitchNodeVlan> entries =
          state.getSpec().getVlans().stream().filter(v -> key.equals(v.getNetwork())).toList();
      if (entries.isEmpty()) {
        // The node has no port on this network, so it does not carry it.
        continue;
      }
      desired++;
      boolean current =
          Objects.equals(entries.getFirst().getNetworkGeneration(), generation)
              && NodeRealization.realized(state);
      if (!current) {
        pending.add(state.getSpec().getNodeName());
        NodeRealization.failure(state).ifPresent(failures::add);
      }
    }
    status.setNodesDesired(desired);
    status.setNodesRealized(desired - pending.size());
    if (!attachmentExists) {
      conditions.set(
          ConditionTypes.READY,
          false,
          REASON_NO_ATTACHMENT,
          "NetworkAttachmentDefinition " + key + " is not created yet");
    } else if (desired == 0) {
      conditions.set(
          ConditionTypes.READY,
          true,
          REASON_NO_PORTS,
          "ready for attachments; no node has a port on this network yet");
    } else if (pending.isEmpty()) {
      conditions.set(
          ConditionTypes.READY,
          true,
          REASON_REALIZED,
          "generation " + generation + " realized on all " + desired + " nodes with ports on it");
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
