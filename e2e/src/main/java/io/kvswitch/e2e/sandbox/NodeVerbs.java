package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.e2e.sandbox.VerbArguments.UsageException;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import io.kvswitch.e2e.sandbox.workload.WorkloadLabels;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code sandbox node add|del NAME}: writes or deletes the Node object; the supervisor makes or
 * removes the node's namespace and the kubelet stand-in its pods.
 */
final class NodeVerbs {

  static final String USAGE =
      """
      Usage: ./kvswitch sandbox node add NAME [--timeout SECONDS]
             ./kvswitch sandbox node del NAME [--timeout SECONDS]
        add: creates Node NAME (labelled kvswitch.io/sandbox); the sandbox gives it a network
             namespace on the underlay (198.18.1.N) and runs the DaemonSet pods that select it.
        del: deletes Node NAME once no workload runs on it; its agents stop and its namespace
             is removed. Both wait up to --timeout (60) s.""";

  private final KubernetesClient client;
  private final SandboxState state;
  private final SandboxNames names;
  private final PrintStream out;
  private final PrintStream err;

  NodeVerbs(KubernetesClient client, SandboxState state, PrintStream out, PrintStream err) {
    this.client = client;
    this.state = state;
    this.names = new SandboxNames(state.record().id);
    this.out = out;
    this.err = err;
  }

  int add(List<String> words) throws UsageException, InterruptedException {
    VerbArguments args = VerbArguments.parse(words, Set.of("--timeout"));
    String node = args.name("node name");
    if (!node.matches("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?")) {
      throw new UsageException(
          "'" + node + "' is not a valid node name: lowercase letters, digits and '-'");
    }
    Duration timeout = Duration.ofSeconds(args.seconds("--timeout", 60));
    if (client.nodes().withName(node).get() != null) {
      err.println("sandbox: node " + node + " already exists");
      return 1;
    }
    if (state.record().external()) {
      // Recorded before it is made, as everything the sandbox makes in an existing cluster.
      state.clusterObject("v1", "Node", null, node);
    }
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(node)
                .withLabels(
                    Map.of(
                        "kubernetes.io/hostname",
                        node,
                        "kubernetes.io/os",
                        "linux",
                        SimulatedNodes.SANDBOX_LABEL,
                        names.id()))
                .endMetadata()
                .withNewSpec()
                .withTaints(
                    state.record().external()
                        ? List.of(SimulatedNodes.taint(names.id()))
                        : List.of())
                .endSpec()
                .build())
        .create();
    out.println("node " + node + ": created Node " + node);
    Optional<Optional<Node>> addressed =
        Waits.forObject(
            client.nodes().withName(node),
            current ->
                current != null
                    && current.getStatus() != null
                    && current.getStatus().getAddresses() != null
                    && !current.getStatus().getAddresses().isEmpty(),
            timeout);
    if (addressed.isPresent()) {
      Node current = addressed.get().orElseThrow();
      out.println(
          "node "
              + node
              + ": network namespace "
              + names.nodeNamespace(node)
              + ", underlay address "
              + current.getStatus().getAddresses().getFirst().getAddress()
              + "; the switches whose nodeSelector matches it start their agents there");
      return 0;
    }
    err.println(
        "sandbox: node "
            + node
            + " got no namespace in "
            + timeout.toSeconds()
            + " s; see the supervisor's log");
    return 1;
  }

  int delete(List<String> words) throws UsageException, InterruptedException {
    VerbArguments args = VerbArguments.parse(words, Set.of("--timeout"));
    String node = args.name("node name");
    Duration timeout = Duration.ofSeconds(args.seconds("--timeout", 60));
    if (client.nodes().withName(node).get() == null) {
      err.println("sandbox: no node " + node);
      return 1;
    }
    List<String> workloads =
        client.pods().inAnyNamespace().withLabel(WorkloadLabels.KIND).list().getItems().stream()
            .filter(p -> node.equals(p.getSpec().getNodeName()))
            .map(NodeVerbs::workloadName)
            .toList();
    if (!workloads.isEmpty()) {
      err.println(
          "sandbox: node "
              + node
              + " still runs "
              + String.join(", ", workloads)
              + "; delete or migrate them first (./kvswitch sandbox pod del NAME)");
      return 1;
    }
    client.nodes().withName(node).delete();
    out.println("node " + node + ": deleted Node " + node);
    String namespace = names.nodeNamespace(node);
    if (Waits.forNamespaceGone(namespace, timeout)) {
      out.println("node " + node + ": its agents stopped and namespace " + namespace + " is gone");
      return 0;
    }
    err.println("sandbox: namespace " + namespace + " is still there; see the supervisor's log");
    return 1;
  }

  private static String workloadName(Pod pod) {
    return pod.getMetadata()
        .getLabels()
        .getOrDefault(WorkloadLabels.WORKLOAD, pod.getMetadata().getName());
  }
}
