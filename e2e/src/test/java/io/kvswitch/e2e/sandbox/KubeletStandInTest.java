package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.e2e.sandbox.api.SandboxApiServer;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet stand-in against the sandbox's API server class, with pods run as plain processes (no
 * network namespaces): in an existing cluster it adopts the DaemonSet controller's Pod for its
 * node, with its own API server it makes the Pod itself.
 */
class KubeletStandInTest {

  private static final String NAMESPACE = "kvswitch-system";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private SandboxApiServer server;
  private KubernetesClient client;
  private SandboxState state;
  private KubeletStandIn kubelet;
  private final List<PodProcess> launched = new CopyOnWriteArrayList<>();
  private final List<Process> processes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    server = SandboxApiServer.start(0);
    client = server.client();
    state = SandboxState.create(dir, "t3st");
    state.update(
        r -> {
          r.nodes.add("node-1");
          r.nodeIndexes.put("node-1", 1);
        });
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("node-1")
                .addToLabels("kubernetes.io/os", "linux")
                .endMetadata()
                .build())
        .create();
  }

  @AfterEach
  void stop() {
    if (kubelet != null) {
      kubelet.close();
    }
    processes.forEach(Process::destroyForcibly);
    client.close();
    server.close();
  }

  private Process launch(PodProcess pod) throws IOException {
    launched.add(pod);
    Process process = new ProcessBuilder(pod.command()).start();
    processes.add(process);
    return process;
  }

  private KubeletStandIn kubelet(Path kubeconfig) {
    kubelet =
        new KubeletStandIn(client, state, new SandboxNames("t3st"), dir, kubeconfig, this::launch);
    kubelet.start();
    return kubelet;
  }

  private DaemonSet daemonSet() {
    return client
        .resource(
            new DaemonSetBuilder()
                .withNewMetadata()
                .withName("agent")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .addToMatchLabels("app", "agent")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "agent")
                .endMetadata()
                .withNewSpec()
                .addToNodeSelector("kubernetes.io/os", "linux")
                .withHostNetwork(true)
                .addNewContainer()
                .withName("agent")
                .withImage("example.org/agent:1")
                .withCommand("sleep", "600")
                .addNewEnv()
                .withName("POD_NAME")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .endEnv()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private Path kubeconfig(String tlsServerName) throws IOException {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: https://198.18.0.1:6443
        %s
        users:
        - name: u
          user: {token: abc}
        contexts:
        - name: x
          context: {cluster: c, user: u}
        current-context: x
        """
            .formatted(tlsServerName == null ? "" : "    tls-server-name: " + tlsServerName));
    return file;
  }

  private List<Pod> pods() {
    return client.pods().inNamespace(NAMESPACE).list().getItems();
  }

  private static ContainerStatus containerStatus(Pod pod) {
    return pod.getStatus().getContainerStatuses().getFirst();
  }

  @Test
  void inAnExistingClusterItAdoptsTheControllersPodAndReportsItsStatusAndRestarts()
      throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    DaemonSet ds = daemonSet();
    // The controller's Pod before the scheduler bound it: only its node affinity names the node.
    Pod controllers = DaemonSetController.podFor(ds, "node-1");
    controllers.getSpec().setNodeName(null);
    String name = client.resource(controllers).create().getMetadata().getName();

    kubelet(kubeconfig(null));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactly(name);
              Pod pod = pods().getFirst();
              assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
              assertThat(pod.getStatus().getHostIP()).isEqualTo("198.18.1.1");
              assertThat(pod.getStatus().getPodIP()).isEqualTo("198.18.1.1");
              assertThat(containerStatus(pod).getRestartCount()).isZero();
            });
    assertThat(launched).hasSize(1);
    assertThat(launched.getFirst().namespace()).isEqualTo("kvst3st-node-1");
    assertThat(launched.getFirst().env())
        .containsEntry("POD_NAME", name)
        .doesNotContainKey("JAVA_TOOL_OPTIONS");
    assertThat(pods().getFirst().getMetadata().getLabels())
        .as("the controller's Pod is not the sandbox's to delete")
        .doesNotContainKey(SimulatedNodes.SANDBOX_LABEL);
    assertThat(state.record().clusterObjects).isEmpty();

    processes.getFirst().destroyForcibly().waitFor();

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(containerStatus(pods().getFirst()).getRestartCount()).isEqualTo(1);
              assertThat(launched).hasSize(2);
            });
    assertThat(pods()).hasSize(1);

    client.pods().inNamespace(NAMESPACE).withName(name).delete();

    await().atMost(WAIT).until(() -> !processes.get(1).isAlive());
    assertThat(pods()).as("the stand-in makes no Pod of its own there").isEmpty();
  }

  @Test
  void aPodBeingDeletedGracefullyHasItsProcessStoppedAndIsNotRestarted() throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    Pod controllers = DaemonSetController.podFor(daemonSet(), "node-1");
    // A finalizer keeps the Pod, marked for deletion, where the test can see it.
    controllers.getMetadata().setFinalizers(List.of("kvswitch.io/test-hold"));
    String name = client.resource(controllers).create().getMetadata().getName();
    kubelet(kubeconfig(null));
    await().atMost(WAIT).until(() -> !processes.isEmpty());

    client.pods().inNamespace(NAMESPACE).withName(name).delete();

    await().atMost(WAIT).until(() -> !processes.getFirst().isAlive());
    assertThat(client.pods().inNamespace(NAMESPACE).withName(name).get().getMetadata())
        .satisfies(m -> assertThat(m.getDeletionTimestamp()).isNotNull());
    assertThat(launched).hasSize(1);
  }

  @Test
  void inAnExistingClusterAPodForAnotherNodeIsLeftToThatNodesKubelet() throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    DaemonSet ds = daemonSet();
    client.resource(DaemonSetController.podFor(ds, "node-of-the-cluster")).create();
    Pod ours = client.resource(DaemonSetController.podFor(ds, "node-1")).create();

    kubelet(kubeconfig(null));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .pods()
                            .inNamespace(NAMESPACE)
                            .withName(ours.getMetadata().getName())
                            .get()
                            .getStatus()
                            .getPhase())
                    .isEqualTo("Running"));
    assertThat(launched).hasSize(1);
    assertThat(pods())
        .filteredOn(p -> p.getSpec().getNodeName().equals("node-of-the-cluster"))
        .extracting(p -> p.getStatus().getPhase())
        .containsExactly("Pending");
  }

  @Test
  void withItsOwnApiServerItMakesThePodAndGivesNoHostnameOptionWithoutTlsServerName()
      throws Exception {
    daemonSet();

    kubelet(kubeconfig(null));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(pods())
                  .extracting(p -> p.getMetadata().getName())
                  .containsExactly("agent-node-1");
              assertThat(pods().getFirst().getStatus().getPhase()).isEqualTo("Running");
            });
    assertThat(pods().getFirst().getMetadata().getLabels())
        .containsEntry(SimulatedNodes.SANDBOX_LABEL, "t3st");
    assertThat(launched.getFirst().env()).doesNotContainKey("JAVA_TOOL_OPTIONS");
  }

  @Test
  void aKubeconfigWithTlsServerNameTurnsOffOnlyTheJdkClientsHostnameCheck() throws Exception {
    daemonSet();

    kubelet(kubeconfig("localhost"));

    await().atMost(WAIT).until(() -> !launched.isEmpty());
    assertThat(launched.getFirst().env())
        .containsEntry(
            "JAVA_TOOL_OPTIONS", "-Djdk.internal.httpclient.disableHostnameVerification=true");
  }
}
