package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.e2e.sandbox.net.Ip;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import io.kvswitch.e2e.sandbox.net.Underlay;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's nodes: each a network namespace on the underlay with a Node object. The supervisor
 * makes the first ones; afterwards a Node object labelled with the sandbox's id (what {@code
 * sandbox node add} writes) gets a namespace, and a deleted one loses it once its pods have
 * stopped.
 */
final class SimulatedNodes implements AutoCloseable {

  static final String SANDBOX_LABEL = "kvswitch.io/sandbox";
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedNodes.class);
  private static final Duration POD_STOP_TIMEOUT = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final SandboxState state;
  private final SandboxNames names;
  private final PrintStream out;
  private final NodeHeartbeat heartbeat;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(40);

  /** Follows Node objects; removing a node waits for its pods, up to {@link #POD_STOP_TIMEOUT}. */
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  /**
   * Heartbeats on their own thread: a node removal blocking the loop above must not delay them past
   * the node grace period ({@link NodeHeartbeat}).
   */
  private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

  SimulatedNodes(KubernetesClient client, SandboxState state, SandboxNames names, PrintStream out) {
    this.client = client;
    this.state = state;
    this.names = names;
    this.out = out;
    this.heartbeat = new NodeHeartbeat(client, state, Clock.systemUTC());
  }

  /** Makes a node: namespace (recorded first), underlay link, and its Node object with status. */
  synchronized void create(String node) {
    int index = freeIndex();
    String namespace = names.nodeNamespace(node);
    out.println("sandbox: creating node " + node + " (network namespace " + namespace + ")");
    out.flush();
    state.namespace(namespace);
    Ip.run("netns", "add", namespace);
    String address = new Underlay(names).attachNode(namespace, index);
    state.update(
        r -> {
          r.nodes.add(node);
          r.nodeIndexes.put(node, index);
        });
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    // As a kubelet reports it: without capacity a real scheduler places no pod on the node.
    Map<String, Quantity> capacity =
        Map.of(
            "cpu", new Quantity("4"),
            "memory", new Quantity("8Gi"),
            "pods", new Quantity("110"));
    NodeStatus status =
        new NodeStatusBuilder()
            .addNewAddress()
            .withType("InternalIP")
            .withAddress(address)
            .endAddress()
            .addNewAddress()
            .withType("Hostname")
            .withAddress(node)
            .endAddress()
            .withCapacity(capacity)
            .withAllocatable(capacity)
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withReason("KubeletReady")
            .withMessage("kvswitch sandbox node")
            .withLastHeartbeatTime(now)
            .withLastTransitionTime(now)
            .endCondition()
            .build();
    Node existing = client.nodes().withName(node).get();
    if (existing != null
        && state.record().external()
        && (existing.getMetadata().getLabels() == null
            || !names.id().equals(existing.getMetadata().getLabels().get(SANDBOX_LABEL)))) {
      // A node of the existing cluster: never take it over.
      throw new IllegalStateException(
          "the cluster already has a Node "
              + node
              + " that this sandbox did not make; it is left alone");
    }
    if (state.record().external()) {
      // Also a Node that `sandbox node add` made: it is this sandbox's to delete on down.
      state.clusterObject("v1", "Node", null, node);
    }
    if (existing == null) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(node)
                  .withLabels(labels(node))
                  .endMetadata()
                  .withNewSpec()
                  .withTaints(state.record().external() ? List.of(taint(names.id())) : List.of())
                  .endSpec()
                  .withStatus(status)
                  .build())
          .create();
    } else {
      client
          .nodes()
          .withName(node)
          .editStatus(
              n -> {
                n.setStatus(status);
                return n;
              });
      if (state.record().external() && !tainted(existing)) {
        client
            .nodes()
            .withName(node)
            .edit(
                n -> {
                  List<Taint> taints =
                      new ArrayList<>(
                          n.getSpec() == null || n.getSpec().getTaints() == null
                              ? List.of()
                              : n.getSpec().getTaints());
                  taints.add(taint(names.id()));
                  if (n.getSpec() == null) {
                    n.setSpec(new NodeSpec());
                  }
                  n.getSpec().setTaints(taints);
                  return n;
                });
      }
    }
  }

  private boolean tainted(Node node) {
    return node.getSpec() != null
        && node.getSpec().getTaints() != null
        && node.getSpec().getTaints().contains(taint(names.id()));
  }

  /**
   * The taint on every simulated Node in an existing cluster: its capacity and Ready condition
   * would otherwise let the cluster's scheduler place users' Pods there, where nothing runs them.
   * The agent DaemonSet tolerates every taint; the sandbox's own workload Pods name their node and
   * tolerate it too.
   */
  static Taint taint(String id) {
    return new TaintBuilder().withKey(SANDBOX_LABEL).withValue(id).withEffect("NoSchedule").build();
  }

  /** The toleration of {@link #taint(String)}, for the sandbox's workload Pods. */
  static Toleration toleration(String id) {
    return new TolerationBuilder()
        .withKey(SANDBOX_LABEL)
        .withOperator("Equal")
        .withValue(id)
        .withEffect("NoSchedule")
        .build();
  }

  Map<String, String> labels(String node) {
    return Map.of(
        "kubernetes.io/hostname", node, "kubernetes.io/os", "linux", SANDBOX_LABEL, names.id());
  }

  private int freeIndex() {
    Set<Integer> used = Set.copyOf(state.record().nodeIndexes.values());
    for (int i = 1; i <= 250; i++) {
      if (!used.contains(i)) {
        return i;
      }
    }
    throw new IllegalStateException("the sandbox has 250 nodes, the most its underlay numbers");
  }

  /**
   * Follows Node objects from now on: new labelled ones are made, deleted ones removed; and keeps
   * every node's heartbeat going ({@link NodeHeartbeat}).
   */
  void start() {
    loop.scheduleWithFixedDelay(this::sync, 1, 1, TimeUnit.SECONDS);
    heartbeats.scheduleWithFixedDelay(
        this::heartbeats, 0, NodeHeartbeat.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void heartbeats() {
    for (String node : List.copyOf(state.record().nodes)) {
      try {
        heartbeat.beat(node);
      } catch (RuntimeException e) {
        LOG.warn("node {}: heartbeat failed", node, e);
      }
    }
  }

  private void sync() {
    try {
      List<Node> nodes = client.nodes().withLabel(SANDBOX_LABEL, names.id()).list().getItems();
      Set<String> present = Set.copyOf(nodes.stream().map(n -> n.getMetadata().getName()).toList());
      for (String node : present) {
        if (!state.record().nodes.contains(node)) {
          create(node);
        }
      }
      for (String node : List.copyOf(state.record().nodes)) {
        if (!present.contains(node)) {
          remove(node);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("nodes: sync failed", e);
    }
  }

  /**
   * Removes a node whose Node object is gone: dropping it from the state makes the kubelet stand-in
   * stop its pods; once nothing runs in its namespace, the namespace goes.
   */
  private synchronized void remove(String node) {
    String namespace = names.nodeNamespace(node);
    out.println("sandbox: removing node " + node);
    out.flush();
    state.update(
        r -> {
          r.nodes.remove(node);
          r.nodeIndexes.remove(node);
        });
    try {
      Waits.forProcessesGone(
          () -> Ip.tryRun("netns", "pids", namespace).output().lines().map(Long::valueOf).toList(),
          POD_STOP_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Ip.tryRun("netns", "del", namespace);
    LOG.info("node {}: removed namespace {}", node, namespace);
  }

  /**
   * Stops following nodes and beating: a heartbeat under way is awaited, so none recreates a Lease
   * after the teardown deleted it.
   */
  @Override
  public void close() {
    ScheduledLoops.shutDownAndAwait(heartbeats, CLOSE_TIMEOUT, "node heartbeats");
    ScheduledLoops.shutDownAndAwait(loop, CLOSE_TIMEOUT, "simulated nodes");
  }
}
