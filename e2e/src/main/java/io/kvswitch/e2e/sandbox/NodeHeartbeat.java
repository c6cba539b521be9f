package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a kubelet does to show that its node is alive, done for each simulated node: it refreshes
 * the heartbeat time of the Node's {@code Ready} and pressure conditions and renews the node's
 * Lease in {@code kube-node-lease}. In an existing cluster the node lifecycle controller watches
 * both; without them it would mark the simulated Nodes {@code Unknown} after 40 s, taint them and
 * evict their pods. The Lease is owned by the Node (its garbage goes with it), labelled with the
 * sandbox's id and, in an existing cluster, recorded in the state before it is made, so {@code
 * down} deletes it.
 */
final class NodeHeartbeat {

  static final String LEASE_NAMESPACE = "kube-node-lease";

  /** How often a kubelet renews its lease and reports its status (its defaults: 10 s). */
  static final Duration INTERVAL = Duration.ofSeconds(10);

  /** The kubelet's default lease duration. */
  static final int LEASE_SECONDS = 40;

  /** Each condition a kubelet reports on a healthy node: its status and reason. */
  private static final Map<String, String[]> HEALTHY = new LinkedHashMap<>();

  static {
    HEALTHY.put("Ready", new String[] {"True", "KubeletReady"});
    HEALTHY.put("MemoryPressure", new String[] {"False", "KubeletHasSufficientMemory"});
    HEALTHY.put("DiskPressure", new String[] {"False", "KubeletHasNoDiskPressure"});
    HEALTHY.put("PIDPressure", new String[] {"False", "KubeletHasSufficientPID"});
  }

  private final KubernetesClient client;
  private final SandboxState state;
  private final Clock clock;

  NodeHeartbeat(KubernetesClient client, SandboxState state, Clock clock) {
    this.client = client;
    this.state = state;
    this.clock = clock;
  }

  /** One heartbeat for {@code node}; a Node that is gone is skipped. */
  void beat(String node) {
    Instant now = clock.instant();
    Node current = client.nodes().withName(node).get();
    if (current == null) {
      return;
    }
    String heartbeat = now.truncatedTo(ChronoUnit.SECONDS).toString();
    client.nodes().withName(node).editStatus(n -> withKubeletConditions(n, heartbeat));
    renewLease(current, now);
  }

  /**
   * The conditions a healthy kubelet reports, with their heartbeat refreshed: {@code Ready} True
   * and the three pressure conditions False. The node lifecycle controller sets them all {@code
   * Unknown} when heartbeats stopped (the supervisor was paused); the node is back, as a kubelet
   * would say. A condition keeps its transition time while its status stays.
   */
  static Node withKubeletConditions(Node node, String heartbeat) {
    if (node.getStatus() == null) {
      node.setStatus(new NodeStatus());
    }
    List<NodeCondition> conditions =
        new ArrayList<>(Optional.ofNullable(node.getStatus().getConditions()).orElse(List.of()));
    for (Map.Entry<String, String[]> wanted : HEALTHY.entrySet()) {
      String status = wanted.getValue()[0];
      String reason = wanted.getValue()[1];
      NodeCondition condition =
          conditions.stream()
              .filter(c -> wanted.getKey().equals(c.getType()))
              .findFirst()
              .orElseGet(
                  () -> {
                    NodeCondition added = new NodeCondition();
                    added.setType(wanted.getKey());
                    conditions.add(added);
                    return added;
                  });
      condition.setLastHeartbeatTime(heartbeat);
      if (!status.equals(condition.getStatus()) || condition.getLastTransitionTime() == null) {
        condition.setStatus(status);
        condition.setReason(reason);
        condition.setLastTransitionTime(heartbeat);
      }
    }
    node.getStatus().setConditions(conditions);
    return node;
  }

  private void renewLease(Node node, Instant now) {
    String name = node.getMetadata().getName();
    ZonedDateTime renewed = ZonedDateTime.ofInstant(now, ZoneOffset.UTC);
    if (client.leases().inNamespace(LEASE_NAMESPACE).withName(name).get() != null) {
      client
          .leases()
          .inNamespace(LEASE_NAMESPACE)
          .withName(name)
          .edit(
              lease -> {
                lease.getSpec().setRenewTime(renewed);
                return lease;
              });
      return;
    }
    if (state.record().external()) {
      state.clusterObject("coordination.k8s.io/v1", "Lease", LEASE_NAMESPACE, name);
    }
    Lease lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(LEASE_NAMESPACE)
            .addToLabels(SimulatedNodes.SANDBOX_LABEL, state.record().id)
            .addNewOwnerReference()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(name)
            .withUid(node.getMetadata().getUid())
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(name)
            .withLeaseDurationSeconds(LEASE_SECONDS)
            .withRenewTime(renewed)
            .endSpec()
            .build();
    client.resource(lease).create();
  }
}
