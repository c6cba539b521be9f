package io.kvswitch.operator.mirrors;

import io.kvswitch.api.v1alpha1.ConditionTypes;
import io.kvswitch.api.v1alpha1.MirrorCounters;
import io.kvswitch.api.v1alpha1.MirrorSession;
import io.kvswitch.api.v1alpha1.MirrorSessionStatus;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.operator.compiler.MirrorPlacement;
import io.kvswitch.operator.compiler.ObjectKey;
import io.kvswitch.operator.status.Conditions;
import io.kvswitch.operator.status.NodeRealization;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A mirror session's status. Packet counts are summed from what agents report per session; they
 * stay absent until an agent reports one.
 */
final class MirrorStatusBuilder {

  static final String REASON_ACTIVE = "Mirroring";
  static final String REASON_DISABLED = "Disabled";
  static final String REASON_NO_DESTINATION = "DestinationPortMissing";
  static final String REASON_DESTINATION_FOUND = "DestinationFound";
  static final String REASON_NO_SOURCES = "NoMatchingPorts";
  static final String REASON_PENDING = "NodesPending";

  /** How many node refusals a Ready message quotes. */
  static final int REPORTED_REFUSALS = 3;

  private MirrorStatusBuilder() {}

  static String destinationMessage(MirrorSession session) {
    var pod = session.getSpec().getDestination().getPod();
    return "pod "
        + pod.getName()
        + " has no port on network "
        + session.getMetadata().getNamespace()
        + "/"
        + pod.getNetwork();
  }

  static MirrorSessionStatus build(
      MirrorSession session,
      MirrorPlacement placement,
      List<SwitchNodeState> carrying,
      List<SwitchNodeState> allStates,
      Conditions conditions) {
    String key = ObjectKey.of(session).toString();
    MirrorSessionStatus status = new MirrorSessionStatus();
    status.setObservedGeneration(session.getMetadata().getGeneration());
    status.setMatchedSources(placement.matchedSources());
    status.setActiveNodes(placement.activeNodes());
    Long mirrored = null;
    Long dropped = null;
    for (SwitchNodeState state : allStates) {
      if (state.getStatus() == null || state.getStatus().getCounters() == null) {
        continue;
      }
      for (MirrorCounters counters : state.getStatus().getCounters().getMirrors()) {
        if (key.equals(counters.getSession())) {
          mirrored = add(mirrored, counters.getMirroredPackets());
          dropped = add(dropped, counters.getDroppedPackets());
        }
      }
    }
    status.setMirroredPackets(mirrored);
    status.setDroppedPackets(dropped);

    boolean enabled = Boolean.TRUE.equals(session.getSpec().getEnabled());
    boolean missing = !placement.destinationFound();
    conditions.set(
        ConditionTypes.DESTINATION_NOT_FOUND,
        missing,
        missing ? REASON_NO_DESTINATION : REASON_DESTINATION_FOUND,
        missing ? destinationMessage(session) : "the destination is reachable");
    List<String> pending = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (SwitchNodeState state : carrying) {
      if (!NodeRealization.realized(state)) {
        pending.add(state.getSpec().getNodeName());
        // An agent that cannot realize this session says so by its name; quote it here, where
        // the user looks, rather than only on the node's state.
        NodeRealization.failure(state)
            .filter(failure -> failure.contains("mirror " + key + ":"))
            .ifPresent(refusals::add);
      }
    }
    if (!enabled) {
      conditions.set(ConditionTypes.READY, false, REASON_DISABLED, "the session is disabled");
    } else if (missing) {
      conditions.set(
          ConditionTypes.READY, false, REASON_NO_DESTINATION, destinationMessage(session));
    } else if (placement.matchedSources() == 0) {
      conditions.set(ConditionTypes.READY, false, REASON_NO_SOURCES, "no attached port matches");
    } else if (carrying.size() < placement.activeNodes() || !pending.isEmpty()) {
      conditions.set(
          ConditionTypes.READY,
          false,
          REASON_PENDING,
          "programmed on "
              + (carrying.size() - pending.size())
              + " of "
              + placement.activeNodes()
              + " nodes"
              + (pending.isEmpty() ? "" : "; waiting for " + NodeRealization.nameSome(pending))
              + refusals.stream()
                  .sorted()
                  .limit(REPORTED_REFUSALS)
                  .map(refusal -> "; " + refusal)
                  .collect(Collectors.joining()));
    } else {
      conditions.set(
          ConditionTypes.READY,
          true,
          REASON_ACTIVE,
          "mirroring "
              + placement.matchedSources()
              + " ports on "
              + placement.activeNodes()
              + " nodes");
    }
    status.setConditions(conditions.build());
    return status;
  }

  private static Long add(Long sum, Long value) {
    if (value == null) {
      return sum;
    }
    return sum == null ? value : sum + value;
  }
}
