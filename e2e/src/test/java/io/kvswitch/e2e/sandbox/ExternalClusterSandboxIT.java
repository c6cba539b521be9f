package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.e2e.sandbox.api.ServingCertificates;
import io.kvswitch.e2e.testing.Command;
import io.kvswitch.e2e.testing.RequiredTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sandbox up --kubeconfig FILE} uses an existing cluster's API server, reached by the nodes
 * through the relay on 198.18.0.1, and {@code down} deletes from that cluster exactly what the
 * sandbox made there. The "existing cluster" is the sandbox's API server class run on its own
 * ({@code sandbox api-server}) on loopback: a server the sandbox did not start, with a DaemonSet
 * controller that makes a Pod per node as a real cluster's does, over http or (with {@code --tls})
 * https with a certificate for {@code localhost} only. It has no garbage collector, so objects
 * owned by deleted ones are not expected to go.
 */
class ExternalClusterSandboxIT {

  @TempDir Path dir;
  @TempDir Path clusterDir;
  private SandboxCommandLine sandbox;
  private Process cluster;

  @BeforeEach
  void requirements() {
    sandbox = SandboxCommandLine.in(dir);
  }

  @AfterEach
  void down() throws Exception {
    sandbox.downIfUp();
    if (cluster != null) {
      cluster.destroy();
      cluster.waitFor();
    }
  }

  /** Starts the stand-in for an existing cluster and returns its kubeconfig. */
  private Path startExistingCluster() throws Exception {
    return startExistingCluster(false);
  }

  /**
   * Starts the stand-in for an existing cluster, with {@code tls} served over https with a
   * certificate for {@code localhost} only, and returns its kubeconfig.
   */
  private Path startExistingCluster(boolean tls) throws Exception {
    Path kubeconfig = clusterDir.resolve("kubeconfig");
    List<String> command =
        sandbox.command(
            "api-server",
            "--listen",
            // Any free port: the server writes the one it got into the kubeconfig.
            "127.0.0.1:0",
            "--kubeconfig-out",
            kubeconfig.toString());
    if (tls) {
      command.add("--tls");
    }
    cluster =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(clusterDir.resolve("api-server.log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(cluster.isAlive())
                  .as(() -> read(clusterDir.resolve("api-server.log")))
                  .isTrue();
              assertThat(read(clusterDir.resolve("api-server.log"))).contains("API server at");
            });
    return kubeconfig;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void upUsesTheExistingClusterAndDownDeletesOnlyWhatItMadeThere() throws Exception {
    Path kubeconfig = startExistingCluster();
    try (KubernetesClient existing =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build()) {
      existing
          .configMaps()
          .inNamespace("team-a")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("keep-me")
                  .endMetadata()
                  .addToData("owner", "team-a")
                  .build())
          .create();

      Command.Result up = sandbox.run("up", "--nodes", "2", "--kubeconfig", kubeconfig.toString());
      assertThat(up.exitCode()).as(up.output()).isZero();
      assertThat(up.stdout())
          .contains("relaying 198.18.0.1:6443 to http://127.0.0.1:")
          .doesNotContain("starting the API server");
      SandboxState.Record state = SandboxState.load(dir).record();
      assertThat(state.external()).isTrue();
      assertThat(state.externalServer)
          .isEqualTo(existing.getMasterUrl().toString().replaceAll("/$", ""));
      assertThat(state.apiUrl).isEqualTo("http://198.18.0.1:6443");
      assertThat(state.clusterObjects)
          .extracting(o -> o.kind + " " + o.name)
          .contains(
              "Node node-1",
              "Node node-2",
              "Namespace kvswitch-system",
              "CustomResourceDefinition virtualswitches.kvswitch.io");

      // The sandbox's kubeconfig (the one agents get) reaches the same cluster through the relay.
      try (KubernetesClient viaRelay =
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(Path.of(state.kubeconfig))))
              .build()) {
        assertThat(viaRelay.getMasterUrl().toString()).startsWith("http://198.18.0.1:6443");
        assertThat(viaRelay.configMaps().inNamespace("team-a").withName("keep-me").get())
            .isNotNull();
      }
      assertThat(existing.nodes().list().getItems())
          .extracting(Node::getMetadata)
          .extracting(m -> m.getLabels().get("kvswitch.io/sandbox"))
          .containsOnly(state.id);
      // The cluster's scheduler must not place users' Pods on nodes where nothing runs them.
      assertThat(existing.nodes().list().getItems())
          .hasSize(2)
          .allSatisfy(
              n -> assertThat(n.getSpec().getTaints()).contains(SimulatedNodes.taint(state.id)));
      // A DaemonSet of the cluster's own (kube-proxy, a monitoring agent) gets Pods for the
      // simulated nodes too; the stand-in must never run them.
      existing
          .apps()
          .daemonSets()
          .inNamespace("monitoring")
          .resource(
              new DaemonSetBuilder()
                  .withNewMetadata()
                  .withName("node-exporter")
                  .endMetadata()
                  .withNewSpec()
                  .withNewSelector()
                  .addToMatchLabels("app", "node-exporter")
                  .endSelector()
                  .withNewTemplate()
                  .withNewMetadata()
                  .addToLabels("app", "node-exporter")
                  .endMetadata()
                  .withNewSpec()
                  .addNewToleration()
                  .withOperator("Exists")
                  .endToleration()
                  .addNewContainer()
                  .withName("exporter")
                  .withImage("example.org/node-exporter:1")
                  .withCommand("sleep", "600")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();

      existing
          .load(Files.newInputStream(Path.of("../crds/examples/01-virtualswitch.yaml")))
          .create();
      existing
          .load(Files.newInputStream(Path.of("../crds/examples/02-vlannetwork-web.yaml")))
          .inNamespace("default")
          .create();
      // The agents run in the nodes' namespaces and reach the API only through the relay.
      awaitSwitchReady(existing);
      assertAgentPodsAdopted(existing, state.id);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(existing.pods().inNamespace("monitoring").list().getItems())
                      .as("the cluster DaemonSet's Pods for the simulated nodes, never run")
                      .hasSize(2)
                      .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Pending")));
      assertThat(SandboxState.load(dir).record().clusterObjects)
          .extracting(Object::toString)
          .contains("Lease kube-node-lease/node-1", "Lease kube-node-lease/node-2");
      assertThat(existing.leases().inNamespace("kube-node-lease").withName("node-1").get())
          .isNotNull();

      // Workload Pods are the sandbox's: labelled and recorded before they are made.
      Command.Result added = sandbox.run(addPod("web-1", "node-1"));
      assertThat(added.exitCode()).as(added.output()).isZero();
      Command.Result kept = sandbox.run(addPod("web-2", "node-2"));
      assertThat(kept.exitCode()).as(kept.output()).isZero();
      assertThat(existing.pods().inNamespace("default").withName("web-1").get())
          .extracting(p -> p.getMetadata().getLabels().get("kvswitch.io/sandbox"))
          .isEqualTo(state.id);
      assertThat(SandboxState.load(dir).record().clusterObjects)
          .extracting(Object::toString)
          .contains("Pod default/web-1", "Pod default/web-2");
      Command.Result deleted = sandbox.run("pod", "del", "web-1");
      assertThat(deleted.exitCode()).as(deleted.output()).isZero();
      assertThat(existing.pods().inNamespace("default").withName("web-1").get()).isNull();

      Command.Result down = sandbox.run("down");

      assertThat(down.exitCode()).as(down.output()).isZero();
      assertThat(existing.pods().inNamespace("default").withName("web-2").get()).isNull();
      assertThat(existing.leases().inNamespace("kube-node-lease").list().getItems()).isEmpty();
      assertThat(existing.nodes().list().getItems()).isEmpty();
      assertThat(existing.namespaces().withName("kvswitch-system").get()).isNull();
      assertThat(
              existing
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName("virtualswitches.kvswitch.io")
                  .get())
          .isNull();
      assertThat(
              existing.pods().inNamespace("kvswitch-system").list().getItems().stream()
                  .filter(
                      p ->
                          state.id.equals(
                              Optional.ofNullable(p.getMetadata().getLabels())
                                  .orElse(Map.of())
                                  .get("kvswitch.io/sandbox")))
                  .toList())
          .isEmpty();
      assertThat(existing.configMaps().inNamespace("team-a").withName("keep-me").get().getData())
          .containsEntry("owner", "team-a");
      String namespaces = Command.run(List.of("ip", "netns", "list"), null, 30).stdout();
      assertThat(namespaces).doesNotContain("kvs" + state.id + "-");
      assertThat(ProcessHandle.of(state.supervisorPid).map(ProcessHandle::isAlive))
          .isNotEqualTo(Optional.of(true));
      for (Long pid : state.processes) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
            .isNotEqualTo(Optional.of(true));
      }
      assertThat(dir.resolve("state.json")).doesNotExist();
    }
  }

  private static String[] addPod(String name, String node) {
    return new String[] {
      "pod", "add", name, "--node", node, "--network", "default/web", "--dhcp-timeout", "0"
    };
  }

  /**
   * The DaemonSet controller's Pods (one per node, owned by the DaemonSet) are the ones that run:
   * reported Running by the kubelet stand-in, and no Pod of the stand-in's own beside them.
   */
  private static void assertAgentPodsAdopted(KubernetesClient existing, String id) {
    List<Pod> pods = existing.pods().inNamespace("kvswitch-system").list().getItems();
    assertThat(pods)
        .as("one Pod per node, each the DaemonSet controller's")
        .hasSize(2)
        .allSatisfy(
            pod -> {
              assertThat(pod.getMetadata().getOwnerReferences())
                  .extracting(OwnerReference::getKind)
                  .containsExactly("DaemonSet");
              assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
              assertThat(pod.getStatus().getContainerStatuses().getFirst().getRestartCount())
                  .isZero();
              assertThat(
                      Optional.ofNullable(pod.getMetadata().getLabels())
                          .orElse(Map.of())
                          .get("kvswitch.io/sandbox"))
                  .isNull();
            });
    assertThat(pods)
        .extracting(p -> p.getSpec().getNodeName())
        .containsExactlyInAnyOrder("node-1", "node-2");
    assertThat(pods)
        .extracting(p -> p.getMetadata().getName())
        .doesNotContain("fabric-node-1", "fabric-node-2");
  }

  /** Waits until the switch is realized on both nodes, each agent reaching the API server. */
  private static void awaitSwitchReady(KubernetesClient existing) {
    await()
        .atMost(Duration.ofSeconds(180))
        .untilAsserted(
            () -> {
              VirtualSwitch fabric =
                  existing.resources(VirtualSwitch.class).withName("fabric").get();
              assertThat(fabric.getStatus()).isNotNull();
              assertThat(fabric.getStatus().getNodesReady()).isEqualTo(2);
              assertThat(fabric.getStatus().getConditions())
                  .filteredOn(c -> c.getType().equals("Ready"))
                  .extracting(Condition::getStatus)
                  .containsExactly("True");
            });
  }

  @Test
  void anHttpsClusterIsUsedThroughTheRelayWithItsCertificateVerified() throws Exception {
    RequiredTool.require("kubectl", "the test checks the sandbox's kubeconfig with kubectl");
    Path kubeconfig = startExistingCluster(true);
    try (KubernetesClient existing =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build()) {
      assertThat(existing.getMasterUrl().toString()).startsWith("https://localhost:");

      Command.Result up = sandbox.run("up", "--nodes", "2", "--kubeconfig", kubeconfig.toString());
      assertThat(up.exitCode()).as(up.output()).isZero();
      assertThat(up.stdout()).contains("relaying 198.18.0.1:6443 to https://localhost:");
      SandboxState.Record state = SandboxState.load(dir).record();
      assertThat(state.apiUrl).isEqualTo("https://198.18.0.1:6443");
      Path sandboxKubeconfig = Path.of(state.kubeconfig);
      assertThat(Files.readString(sandboxKubeconfig)).contains("tls-server-name: \"localhost\"");

      // The certificate names localhost only: a client that checks the URL's host (fabric8's
      // JDK client, without the sandbox's option) refuses 198.18.0.1, kubectl with
      // tls-server-name accepts it.
      try (KubernetesClient strict =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(Config.fromKubeconfig(Files.readString(sandboxKubeconfig)))
                      .withRequestRetryBackoffLimit(0)
                      .build())
              .build()) {
        assertThatThrownBy(() -> strict.nodes().list())
            .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
      }
      Command.Result nodes =
          Command.run(
              List.of(
                  "kubectl",
                  "--kubeconfig",
                  sandboxKubeconfig.toString(),
                  "get",
                  "nodes",
                  "-o",
                  "name"),
              null,
              60);
      assertThat(nodes.exitCode()).as(nodes.output()).isZero();
      assertThat(nodes.stdout().lines()).containsExactlyInAnyOrder("node/node-1", "node/node-2");

      existing
          .load(Files.newInputStream(Path.of("../crds/examples/01-virtualswitch.yaml")))
          .create();
      // The agents get the sandbox's kubeconfig and reach the cluster only through the relay.
      awaitSwitchReady(existing);
      assertAgentPodsAdopted(existing, state.id);
      assertThat(read(dir.resolve("logs").resolve(adoptedPodName(existing, "node-1") + ".log")))
          .contains("Picked up JAVA_TOOL_OPTIONS: " + KubeletStandIn.NO_HOSTNAME_CHECK + "=true");

      existing
          .load(Files.newInputStream(Path.of("../crds/examples/02-vlannetwork-web.yaml")))
          .inNamespace("default")
          .create();
      Command.Result added = sandbox.run(addPod("web-1", "node-1"));
      assertThat(added.exitCode()).as(added.output()).isZero();
      assertThat(SandboxState.load(dir).record().clusterObjects)
          .extracting(Object::toString)
          .contains("Pod default/web-1");

      // A crash: nothing of the supervisor's own clean-up runs; down still finds the Pod.
      ProcessHandle supervisor = ProcessHandle.of(state.supervisorPid).orElseThrow();
      supervisor.destroyForcibly();
      supervisor.onExit().get();
      Command.Result down = sandbox.run("down");

      assertThat(down.exitCode()).as(down.output()).isZero();
      assertThat(down.stdout()).contains("deleted Pod default/web-1");
      assertThat(existing.pods().inNamespace("default").withName("web-1").get()).isNull();
      assertThat(existing.nodes().list().getItems()).isEmpty();
      assertThat(existing.leases().inNamespace("kube-node-lease").list().getItems()).isEmpty();
      assertThat(Command.run(List.of("ip", "netns", "list"), null, 30).stdout())
          .doesNotContain("kvs" + state.id + "-");
      for (Long pid : state.processes) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
            .isNotEqualTo(Optional.of(true));
      }
    }
  }

  private static String adoptedPodName(KubernetesClient existing, String node) {
    return existing.pods().inNamespace("kvswitch-system").list().getItems().stream()
        .filter(p -> node.equals(p.getSpec().getNodeName()))
        .map(p -> p.getMetadata().getName())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void anHttpsClusterWhoseCertificateTheKubeconfigsAuthorityDidNotSignIsRefused() throws Exception {
    Path kubeconfig = startExistingCluster(true);
    String otherAuthority =
        ServingCertificates.create("another-ca", List.of("localhost")).authorityPem();
    Path wrong = clusterDir.resolve("wrong-ca");
    Files.writeString(
        wrong,
        Files.readString(kubeconfig)
            .replaceAll(
                "certificate-authority-data: .*",
                "certificate-authority-data: "
                    + Base64.getEncoder()
                        .encodeToString(otherAuthority.getBytes(StandardCharsets.UTF_8))));

    Command.Result up = sandbox.run("up", "--kubeconfig", wrong.toString());

    assertThat(up.exitCode()).as(up.output()).isEqualTo(1);
    assertThat(up.stderr())
        .contains("cannot reach the cluster's API server https://localhost:")
        .contains("The server's certificate was refused")
        .contains("certificate-authority-data");
    assertThat(SandboxState.fileIn(dir)).doesNotExist();
  }

  @Test
  void upFailsClearlyWhenTheClusterDoesNotAnswer() throws Exception {
    Path kubeconfig = clusterDir.resolve("gone");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster: {server: "http://127.0.0.1:1"}
        users:
        - name: gone
          user: {token: abc}
        contexts:
        - name: gone
          context: {cluster: gone, user: gone}
        current-context: gone
        """);

    Command.Result up = sandbox.run("up", "--kubeconfig", kubeconfig.toString());

    assertThat(up.exitCode()).isEqualTo(1);
    assertThat(up.stderr())
        .contains("cannot reach the cluster's API server http://127.0.0.1:1")
        .contains("Check that the cluster runs");
    assertThat(SandboxState.fileIn(dir)).doesNotExist();
  }
}
