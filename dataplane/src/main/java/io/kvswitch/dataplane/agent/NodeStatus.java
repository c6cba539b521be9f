package io.kvswitch.dataplane.agent;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.kvswitch.api.v1alpha1.ConditionTypes;
import io.kvswitch.api.v1alpha1.MirrorCounters;
import io.kvswitch.api.v1alpha1.SwitchNodeCounters;
import io.kvswitch.api.v1alpha1.SwitchNodeDhcpCounters;
import io.kvswitch.api.v1alpha1.SwitchNodeLeaseStoreCounters;
import io.kvswitch.api.v1alpha1.SwitchNodeOverlayCounters;
import io.kvswitch.api.v1alpha1.SwitchNodeStateStatus;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreCounters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status an agent reports for its node state: a pure function of what it applied and counted.
 * The Ready condition keeps its {@code lastTransitionTime} while its status stays the same, so a
 * status that says nothing new compares equal to the stored one and is not written again.
 */
public final class NodeStatus {

  /** Reason of Ready=True: the spec's generation is in the engine. */
  public static final String REALIZED = "Realized";

  /** Reason of Ready=False: the engine refused part of the spec. */
  public static final String APPLY_FAILED = "ApplyFailed";

  private NodeStatus() {}

  /**
   * @param previous the status stored now, or null
   * @param realizedGeneration the last generation applied completely, 0 for none
   * @param last how applying the newest generation went
   */
  public static SwitchNodeStateStatus of(
      SwitchNodeStateStatus previous,
      long realizedGeneration,
      ApplyResult last,
      EngineCounters counters,
      Instant now) {
    SwitchNodeStateStatus status = new SwitchNodeStateStatus();
    if (realizedGeneration > 0) {
      status.setRealizedGeneration(realizedGeneration);
    }
    boolean ready = last.succeeded();
    String reason = ready ? REALIZED : APPLY_FAILED;
    String message =
        ready
            ? "generation " + last.generation() + " applied"
            : "generation " + last.generation() + ": " + last.summary(5);
    String since = now.toString();
    Condition old = previous == null ? null : ready(previous.getConditions());
    if (old != null && old.getStatus().equals(ready ? "True" : "False")) {
      since = old.getLastTransitionTime();
    }
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType(ConditionTypes.READY)
                .withStatus(ready ? "True" : "False")
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(last.generation())
                .withLastTransitionTime(since)
                .build()));
    SwitchNodeCounters totals = new SwitchNodeCounters();
    totals.setPorts(counters.ports());
    totals.setMacEntries(counters.macEntries());
    totals.setRxPackets(counters.rxPackets());
    totals.setTxPackets(counters.txPackets());
    totals.setDroppedPackets(counters.droppedPackets());
    totals.setMirrors(counters.mirrors().stream().map(NodeStatus::mirror).toList());
    if (!counters.overlay().isEmpty()) {
      totals.setOverlay(overlay(counters.overlay()));
    }
    if (!counters.dhcp().isEmpty()) {
      totals.setDhcp(dhcp(counters.dhcp()));
    }
    status.setCounters(totals);
    return status;
  }

  private static MirrorCounters mirror(MirrorSessionCounters counters) {
    MirrorCounters mirror = new MirrorCounters();
    mirror.setSession(counters.session());
    mirror.setMirroredPackets(counters.mirroredPackets());
    mirror.setDroppedPackets(counters.droppedPackets());
    return mirror;
  }

  private static SwitchNodeOverlayCounters overlay(OverlayCounters counters) {
    SwitchNodeOverlayCounters overlay = new SwitchNodeOverlayCounters();
    overlay.setPeers(counters.peers());
    overlay.setRxDecapsulated(counters.rxDecapsulated());
    Map<String, Long> drops = new TreeMap<>();
    counters.rxDrops().forEach((reason, count) -> drops.put(reason.label(), count));
    overlay.setRxDrops(drops);
    overlay.setTxDatagrams(counters.txDatagrams());
    overlay.setTxDropped(counters.txDropped());
    return overlay;
  }

  private static SwitchNodeDhcpCounters dhcp(DhcpCounters counters) {
    SwitchNodeDhcpCounters dhcp = new SwitchNodeDhcpCounters();
    dhcp.setServedVlans(counters.servedVlans());
    dhcp.setRequests(counters.requests());
    dhcp.setReplies(counters.replies());
    dhcp.setReceived(new TreeMap<>(counters.received()));
    dhcp.setSent(new TreeMap<>(counters.sent()));
    dhcp.setDrops(new TreeMap<>(counters.drops()));
    dhcp.setExhaustedNetworks(new ArrayList<>(counters.exhaustedNetworks()));
    dhcp.setLeaseStore(leaseStore(counters.leaseStore()));
    return dhcp;
  }

  private static SwitchNodeLeaseStoreCounters leaseStore(LeaseStoreCounters counters) {
    SwitchNodeLeaseStoreCounters store = new SwitchNodeLeaseStoreCounters();
    store.setApiRequests(counters.apiRequests());
    store.setBlockConflicts(counters.blockConflicts());
    store.setForeignBlocks(counters.foreignBlocks());
    store.setMalformedRecords(counters.malformedRecords());
    store.setImportedBlocks(counters.importedBlocks());
    store.setProjectionWrites(counters.projectionWrites());
    store.setProjectionConflicts(counters.projectionConflicts());
    store.setProjectionFailures(counters.projectionFailures());
    store.setProjectionPending(counters.projectionPending());
    return store;
  }

  private static Condition ready(List<Condition> conditions) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream()
        .filter(c -> ConditionTypes.READY.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
