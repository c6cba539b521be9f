package io.kvswitch.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.e2e.sandbox.net.Ip;
import io.kvswitch.e2e.sandbox.workload.WorkloadLabels;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The switch, networks and workloads of one scenario, all named after it, made through the API and
 * the verbs and removed again in reverse order when it ends, pass or fail.
 */
final class Scenario implements AutoCloseable {

  private final Sandbox sandbox;
  private final String name;
  private final List<String> workloads = new ArrayList<>();
  private final List<String> networks = new ArrayList<>();
  private boolean switchMade;

  /**
   * @param name the scenario's name: its switch and namespace
   * @param udpPort the switch's VXLAN port: each scenario's own, so switches never clash on a node
   */
  Scenario(Sandbox sandbox, String name, int udpPort, int vniBase) {
    this.sandbox = sandbox;
    this.name = name;
    sandbox.namespace(name);
    sandbox.create(
        """
        apiVersion: kvswitch.io/v1alpha1
        kind: VirtualSwitch
        metadata:
          name: %s
        spec:
          mtu: 1450
          overlay:
            type: VXLAN
            udpPort: %d
            vniBase: %d
        """
            .formatted(name, udpPort, vniBase));
    switchMade = true;
  }

  String switchName() {
    return name;
  }

  String namespace() {
    return name;
  }

  /** A VlanNetwork in the scenario's namespace on its switch; {@code dhcp} a YAML block or "". */
  void network(String network, int vlanId, String subnetPrefix, String dhcp) {
    sandbox.create(
        """
        apiVersion: kvswitch.io/v1alpha1
        kind: VlanNetwork
        metadata:
          name: %s
          namespace: %s
        spec:
          switch: %s
          vlanId: %d
          subnet: %s.0/24
          gateway: %s.1
        %s"""
            .formatted(network, name, name, vlanId, subnetPrefix, subnetPrefix, dhcp));
    networks.add(network);
    await("NetworkAttachmentDefinition " + name + "/" + network)
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                sandbox
                        .client()
                        .genericKubernetesResources(
                            "k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition")
                        .inNamespace(name)
                        .withName(network)
                        .get()
                    != null);
  }

  private static boolean namespaceExists(String netns) {
    return Ip.tryRun("netns", "list")
        .output()
        .lines()
        .anyMatch(line -> line.split(" ")[0].equals(netns));
  }

  static String dhcp(String subnetPrefix, int from, int to) {
    return """
          dhcp:
            enabled: true
            rangeStart: %s.%d
            rangeEnd: %s.%d
            leaseSeconds: 600
        """
        .formatted(subnetPrefix, from, subnetPrefix, to);
  }

  static String noDhcp() {
    return """
          dhcp:
            enabled: false
        """;
  }

  /** {@code sandbox pod add} (or {@code vm add}); {@code extra} are further options. */
  void workload(String kind, String workload, String node, String network, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(kind, "add", workload, "--node", node, "--network", name + "/" + network));
    args.addAll(List.of(extra));
    if (!args.contains("--dhcp-timeout")) {
      // The scenario waits for the lease itself, with its own deadline.
      args.addAll(List.of("--dhcp-timeout", "0"));
    }
    workloads.add(workload);
    sandbox.verbOk(args.toArray(String[]::new));
  }

  void forget(String workload) {
    workloads.remove(workload);
  }

  /**
   * Deletes the workloads' Pods at once (what {@code pod del} does, without a process per pod),
   * then the networks and the switch, and waits until the sandbox has removed the workloads'
   * namespaces and the switch's agents.
   */
  @Override
  public void close() throws IOException {
    List<String> namespaces = new ArrayList<>();
    for (String workload : workloads) {
      for (Pod pod :
          sandbox
              .client()
              .pods()
              .inAnyNamespace()
              .withLabel(WorkloadLabels.WORKLOAD, workload)
              .list()
              .getItems()) {
        Optional.ofNullable(pod.getMetadata().getAnnotations())
            .map(a -> a.get(WorkloadLabels.NETNS))
            .ifPresent(namespaces::add);
        sandbox.client().resource(pod).delete();
      }
    }
    await("the workloads' namespaces removed")
        .atMost(Duration.ofSeconds(120))
        .until(() -> namespaces.stream().noneMatch(Scenario::namespaceExists));
    for (String network : networks.reversed()) {
      sandbox.client().resources(VlanNetwork.class).inNamespace(name).withName(network).delete();
    }
    if (switchMade) {
      sandbox.client().resources(VirtualSwitch.class).withName(name).delete();
      await("the agents of " + name + " stopped")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(sandbox.agentPids(name, "node-1")).isEmpty();
                assertThat(sandbox.agentPids(name, "node-2")).isEmpty();
              });
    }
  }
}
