package io.kvswitch.e2e.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.e2e.sandbox.net.Ip;
import io.kvswitch.e2e.sandbox.workload.WorkloadLabels;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code sandbox up} shows once the examples are applied: two pods on VLAN {@code web} on two
 * nodes, their leases, and whether they reach each other. Each step says plainly when the system
 * cannot do it yet, instead of waiting for it.
 */
final class Demo {

  static final String SWITCH = "fabric";
  static final String NETWORK = "default/web";
  private static final Duration SWITCH_READY_TIMEOUT = Duration.ofSeconds(120);

  private final KubernetesClient client;
  private final WorkloadVerbs verbs;
  private final PrintStream out;

  Demo(KubernetesClient client, WorkloadVerbs verbs, PrintStream out) {
    this.client = client;
    this.verbs = verbs;
    this.out = out;
  }

  int run() throws Exception {
    if (client.resources(VlanNetwork.class).inNamespace("default").withName("web").get() == null) {
      System.err.println(
          "sandbox: VlanNetwork default/web is missing; apply crds/examples first (kubectl apply"
              + " -f crds/examples/)");
      return 1;
    }
    if (!awaitSwitchReady()) {
      return 1;
    }
    List<String> nodes =
        client.nodes().list().getItems().stream()
            .map(n -> n.getMetadata().getName())
            .sorted()
            .toList();
    String second = nodes.size() > 1 ? nodes.get(1) : nodes.getFirst();
    if (nodes.size() < 2) {
      out.println("sandbox: one node only; both pods go on " + second);
    }
    for (String[] pod :
        List.of(new String[] {"web-1", nodes.getFirst()}, new String[] {"web-2", second})) {
      if (!verbs.workloadPods(pod[0]).isEmpty()) {
        out.println("pod " + pod[0] + ": already there");
        continue;
      }
      int exit =
          verbs.add(
              List.of(
                  pod[0],
                  "--node",
                  pod[1],
                  "--network",
                  NETWORK,
                  "--labels",
                  "app=web,tier=web",
                  "--dhcp-timeout",
                  "20"),
              "pod");
      if (exit != 0) {
        return exit;
      }
    }
    reachability("web-1", "web-2");
    return 0;
  }

  private boolean awaitSwitchReady() throws InterruptedException {
    out.println("sandbox: waiting for switch " + SWITCH + " to be realized on every node");
    Optional<Optional<VirtualSwitch>> ready =
        Waits.forObject(
            client.resources(VirtualSwitch.class).withName(SWITCH),
            fabric ->
                fabric != null
                    && fabric.getStatus() != null
                    && fabric.getStatus().getNodesDesired() != null
                    && fabric.getStatus().getNodesDesired() > 0
                    && fabric
                        .getStatus()
                        .getNodesDesired()
                        .equals(fabric.getStatus().getNodesReady()),
            SWITCH_READY_TIMEOUT);
    if (ready.isPresent()) {
      VirtualSwitch fabric = ready.get().orElseThrow();
      out.println(
          "sandbox: switch "
              + SWITCH
              + " ready on "
              + fabric.getStatus().getNodesReady()
              + "/"
              + fabric.getStatus().getNodesDesired()
              + " nodes");
      return true;
    }
    System.err.println(
        "sandbox: switch "
            + SWITCH
            + " is not ready on every node after "
            + SWITCH_READY_TIMEOUT.toSeconds()
            + " s; see kubectl get vsw "
            + SWITCH
            + " -o yaml and the logs in the sandbox's logs/ folder");
    return false;
  }

  private void reachability(String from, String to) throws InterruptedException {
    Optional<String> fromIp = leasedAddress(from);
    Optional<String> toIp = leasedAddress(to);
    if (fromIp.isEmpty() || toIp.isEmpty()) {
      out.println(
          "reachability: not tested: "
              + (fromIp.isEmpty() ? from : to)
              + " has no DHCP lease, so no address (see the DHCP lines of its node's agent log in"
              + " the sandbox's logs/ folder; ./kvswitch sandbox status shows leases as they come)");
      return;
    }
    Pod source = verbs.activePod(from).orElseThrow();
    String netns = WorkloadVerbs.annotation(source, WorkloadLabels.NETNS).orElseThrow();
    Ip.Result ping =
        Ip.tryRun("netns", "exec", netns, "ping", "-c", "3", "-W", "1", "-q", toIp.get());
    String summary =
        ping.output()
            .lines()
            .filter(l -> l.contains("packets transmitted"))
            .findFirst()
            .orElse(ping.output().strip());
    out.println(
        "reachability: "
            + from
            + " ("
            + fromIp.get()
            + ") -> "
            + to
            + " ("
            + toIp.get()
            + "): "
            + summary
            + (ping.exitCode() == 0
                ? ""
                : " -- NOT reachable (kubectl get switchnodestates shows whether both nodes realized"
                    + " the overlay; the agents' logs are in the sandbox's logs/ folder)"));
  }

  private Optional<String> leasedAddress(String workload) {
    return verbs
        .activePod(workload)
        .flatMap(
            pod -> {
              for (JsonNode attachment : WorkloadVerbs.networkStatus(pod)) {
                for (JsonNode ip : attachment.path("ips")) {
                  return Optional.of(ip.asText());
                }
              }
              return Optional.empty();
            });
  }
}
