package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.kvswitch.e2e.sandbox.api.SandboxApiServer;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import io.kvswitch.operator.Labels;
import io.kvswitch.operator.switches.AgentDaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
  private final SteppedClock clock = new SteppedClock();

  /** A clock the test moves on, so a back-off ends when the test says, not after a wait. */
  private static final class SteppedClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-21T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }
  }

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
    return kubelet(kubeconfig, client, this::launch);
  }

  private KubeletStandIn kubelet(
      Path kubeconfig, KubernetesClient using, KubeletStandIn.Launcher launcher) {
    kubelet =
        new KubeletStandIn(
            using, state, new SandboxNames("t3st"), dir, kubeconfig, launcher, clock);
    kubelet.start();
    return kubelet;
  }

  /** The operator's agent DaemonSet, as {@code AgentDaemonSet} labels it. */
  private DaemonSet daemonSet() {
    return daemonSet("agent", Labels.of(AgentDaemonSet.COMPONENT, "sw1"));
  }

  private DaemonSet daemonSet(String name, Map<String, String> labels) {
    return client
        .resource(
            new DaemonSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .withLabels(labels)
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

  private Pod pod(String name) {
    return client.pods().inNamespace(NAMESPACE).withName(name).get();
  }

  private static String condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return "absent";
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(PodCondition::getStatus)
        .findFirst()
        .orElse("absent");
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
              assertThat(condition(pod, "Ready")).isEqualTo("True");
              assertThat(containerStatus(pod).getRestartCount()).isZero();
            });
    assertThat(condition(pod(name), "PodScheduled"))
        .as("the scheduler has not bound it")
        .isEqualTo("absent");
    String startTime = pod(name).getStatus().getStartTime();
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

    // The clock stands still: the back-off holds the restart, and the Pod says so.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Pod pod = pod(name);
              assertThat(condition(pod, "Ready")).isEqualTo("False");
              assertThat(containerStatus(pod).getReady()).isFalse();
              assertThat(waitingReason(pod)).isEqualTo("CrashLoopBackOff");
              assertThat(containerStatus(pod).getLastState().getTerminated())
                  .extracting(t -> t.getExitCode())
                  .isEqualTo(137);
            });
    assertThat(launched).hasSize(1);

    clock.advance(KubeletStandIn.INITIAL_BACKOFF);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Pod pod = pod(name);
              assertThat(containerStatus(pod).getRestartCount()).isEqualTo(1);
              assertThat(containerStatus(pod).getState().getRunning()).isNotNull();
              assertThat(condition(pod, "Ready")).isEqualTo("True");
              assertThat(launched).hasSize(2);
            });
    assertThat(pods()).hasSize(1);
    assertThat(pod(name).getStatus().getStartTime())
        .as("a container restart is not a new Pod")
        .isEqualTo(startTime);

    client.pods().inNamespace(NAMESPACE).withName(name).delete();

    await().atMost(WAIT).until(() -> !processes.get(1).isAlive());
    assertThat(pods()).as("the stand-in makes no Pod of its own there").isEmpty();
  }

  @Test
  void aStatusOverwrittenByOthersIsCorrectedOnALaterSync() throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    String name = controllerPod("node-1");
    kubelet(kubeconfig(null));
    await().atMost(WAIT).until(() -> "True".equals(condition(pod(name), "Ready")));
    assertThat(condition(pod(name), "PodScheduled")).isEqualTo("True");

    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName(name)
        .editStatus(
            p -> {
              p.getStatus().setPhase("Pending");
              p.getStatus().setConditions(List.of());
              p.getStatus().setContainerStatuses(List.of());
              return p;
            });

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(pod(name).getStatus().getPhase()).isEqualTo("Running");
              assertThat(condition(pod(name), "Ready")).isEqualTo("True");
            });
    assertThat(launched).as("the process was never stopped").hasSize(1);
  }

  private static String waitingReason(Pod pod) {
    ContainerStateWaiting waiting = waitingState(pod);
    return waiting == null ? null : waiting.getReason();
  }

  private String waiting(String name) {
    ContainerStateWaiting waiting = waitingState(pod(name));
    return waiting == null ? null : waiting.getMessage();
  }

  /** The container's waiting state, or null when it has none (yet). */
  private static ContainerStateWaiting waitingState(Pod pod) {
    if (pod.getStatus().getContainerStatuses() == null
        || pod.getStatus().getContainerStatuses().isEmpty()) {
      return null;
    }
    return containerStatus(pod).getState().getWaiting();
  }

  /** Creates the Pod the DaemonSet controller would make for {@code node}; returns its name. */
  private String controllerPod(String node) {
    return client
        .resource(DaemonSetController.podFor(daemonSet(), node))
        .create()
        .getMetadata()
        .getName();
  }

  @Test
  void aProcessThatRanLongEnoughIsRestartedAfterTheFirstBackOffAgain() throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    String name = controllerPod("node-1");
    kubelet(kubeconfig(null));
    await().atMost(WAIT).until(() -> processes.size() == 1);
    processes.getFirst().destroyForcibly().waitFor();
    await()
        .atMost(WAIT)
        .until(() -> "back-off 1s restarting failed container".equals(waiting(name)));
    clock.advance(KubeletStandIn.INITIAL_BACKOFF);
    await().atMost(WAIT).until(() -> processes.size() == 2);
    await().atMost(WAIT).until(() -> "True".equals(condition(pod(name), "Ready")));

    // A quick second exit doubles the delay ...
    processes.get(1).destroyForcibly().waitFor();
    await()
        .atMost(WAIT)
        .until(() -> "back-off 2s restarting failed container".equals(waiting(name)));
    clock.advance(Duration.ofSeconds(2));
    await().atMost(WAIT).until(() -> processes.size() == 3);
    await().atMost(WAIT).until(() -> "True".equals(condition(pod(name), "Ready")));

    // ... one after a long run starts over.
    clock.advance(KubeletStandIn.BACKOFF_RESET);
    processes.get(2).destroyForcibly().waitFor();

    await()
        .atMost(WAIT)
        .until(() -> "back-off 1s restarting failed container".equals(waiting(name)));
    assertThat(containerStatus(pod(name)).getRestartCount()).isEqualTo(2);
  }

  @Test
  void aProcessThatCannotBeRestartedLeavesThePodNotReady() throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    String name = controllerPod("node-1");
    AtomicBoolean failing = new AtomicBoolean();
    kubelet(
        kubeconfig(null),
        client,
        pod -> {
          if (failing.get()) {
            throw new IOException("no such file");
          }
          return launch(pod);
        });
    await().atMost(WAIT).until(() -> "True".equals(condition(pod(name), "Ready")));
    failing.set(true);
    processes.getFirst().destroyForcibly().waitFor();
    await().atMost(WAIT).until(() -> "CrashLoopBackOff".equals(waitingReason(pod(name))));
    clock.advance(KubeletStandIn.INITIAL_BACKOFF);

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Pod pod = pod(name);
              assertThat(waitingReason(pod)).isEqualTo("RunContainerError");
              assertThat(condition(pod, "Ready")).isEqualTo("False");
            });
  }

  @Test
  void aClusterDaemonSetThatTheOperatorDidNotMakeIsNeverRun() throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    DaemonSet kubeProxy = daemonSet("kube-proxy", Map.of("k8s-app", "kube-proxy"));
    String foreign =
        client
            .resource(DaemonSetController.podFor(kubeProxy, "node-1"))
            .create()
            .getMetadata()
            .getName();
    String agent = controllerPod("node-1");

    kubelet(kubeconfig(null));

    await().atMost(WAIT).until(() -> "True".equals(condition(pod(agent), "Ready")));
    assertThat(launched).extracting(p -> p.env().get("POD_NAME")).containsExactly(agent);
    assertThat(pod(foreign).getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  void withItsOwnApiServerOnlyTheOperatorsDaemonSetsAreRun() throws Exception {
    daemonSet("kube-proxy", Map.of("k8s-app", "kube-proxy"));
    DaemonSet owned = daemonSet("owned", Map.of());
    owned
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion("kvswitch.io/v1alpha1")
                    .withKind("VirtualSwitch")
                    .withName("sw2")
                    .withUid("uid-sw2")
                    .build()));
    client.resource(owned).update();
    daemonSet();

    kubelet(kubeconfig(null));

    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(pods())
                    .extracting(p -> p.getMetadata().getName())
                    .containsExactlyInAnyOrder("agent-node-1", "owned-node-1"));
    assertThat(launched).hasSize(2);
  }

  /** Counts the grace-period-0 DELETEs of Pods a client sends, and can fail the first ones. */
  private static final class DeleteCounter implements Interceptor {
    final AtomicInteger confirmations = new AtomicInteger();
    final AtomicInteger toFail = new AtomicInteger();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      if ("DELETE".equals(request.method())
          && request.uri().getPath().contains("/pods/")
          && request.bodyString() != null
          && request.bodyString().contains("\"gracePeriodSeconds\":0")) {
        confirmations.incrementAndGet();
        if (toFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new IllegalStateException("the API server is unreachable");
        }
      }
    }
  }

  private KubernetesClient counting(DeleteCounter counter) {
    return new KubernetesClientBuilder()
        .withConfig(client.getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("deletes", counter))
        .build();
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
  void aPodBeingDeletedGracefullyIsStoppedAndItsDeletionConfirmedOnceEvenAfterAFailure()
      throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    Pod controllers = DaemonSetController.podFor(daemonSet(), "node-1");
    // A finalizer keeps the Pod, marked for deletion, where the test can see it.
    controllers.getMetadata().setFinalizers(List.of("kvswitch.io/test-hold"));
    String name = client.resource(controllers).create().getMetadata().getName();
    DeleteCounter counter = new DeleteCounter();
    counter.toFail.set(1);
    try (KubernetesClient counted = counting(counter)) {
      kubelet(kubeconfig(null), counted, this::launch);
      await().atMost(WAIT).until(() -> !processes.isEmpty());

      client.pods().inNamespace(NAMESPACE).withName(name).delete();

      await().atMost(WAIT).until(() -> !processes.getFirst().isAlive());
      // The first confirmation fails; the next sync sends it again, and then no more.
      await().atMost(WAIT).until(() -> counter.confirmations.get() == 2);
      assertThat(pod(name).getMetadata().getDeletionTimestamp()).isNotNull();
      assertThat(launched).hasSize(1);
      kubelet.close();
      kubelet = null;
      assertThat(counter.confirmations.get()).isEqualTo(2);
    }
  }

  @Test
  void aPodWhoseDaemonSetIsGoneHasItsDeletionConfirmed() throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    DaemonSet ds = daemonSet();
    Pod controllers = DaemonSetController.podFor(ds, "node-1");
    controllers.getMetadata().setFinalizers(List.of("kvswitch.io/test-hold"));
    String name = client.resource(controllers).create().getMetadata().getName();
    DeleteCounter counter = new DeleteCounter();
    try (KubernetesClient counted = counting(counter)) {
      kubelet(kubeconfig(null), counted, this::launch);
      await().atMost(WAIT).until(() -> !processes.isEmpty());

      // As `kubectl delete ds` does: the DaemonSet goes first, the garbage collector marks its
      // Pods.
      client.resource(ds).delete();
      client.pods().inNamespace(NAMESPACE).withName(name).delete();

      await().atMost(WAIT).until(() -> !processes.getFirst().isAlive());
      await().atMost(WAIT).until(() -> counter.confirmations.get() == 1);
      client
          .pods()
          .inNamespace(NAMESPACE)
          .withName(name)
          .edit(
              p -> {
                p.getMetadata().setFinalizers(List.of());
                return p;
              });
      await().atMost(WAIT).until(() -> pod(name) == null);
      kubelet.close();
      kubelet = null;
      assertThat(counter.confirmations.get()).isEqualTo(1);
    }
  }

  @Test
  void closeWaitsForASyncThatIsStartingAProcessAndThenStopsIt() throws Exception {
    state.update(r -> r.externalServer = "https://localhost:6443");
    client.resource(DaemonSetController.podFor(daemonSet(), "node-1")).create();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    kubelet(
        kubeconfig(null),
        client,
        pod -> {
          entered.countDown();
          boolean interrupted = false;
          while (true) {
            try {
              release.await();
              break;
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          return launch(pod);
        });
    entered.await();
    KubeletStandIn closing = kubelet;
    kubelet = null;
    Thread closer = Thread.ofPlatform().start(closing::close);
    // Either close returned at once, or it waits for the sync: only then is the launch let go.
    await()
        .atMost(WAIT)
        .until(
            () ->
                closer.getState() == Thread.State.TERMINATED
                    || closer.getState() == Thread.State.TIMED_WAITING);
    release.countDown();
    closer.join();

    await().atMost(WAIT).until(() -> processes.size() == 1);
    assertThat(processes.getFirst().isAlive())
        .as("the process the last sync started is stopped by close")
        .isFalse();
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
