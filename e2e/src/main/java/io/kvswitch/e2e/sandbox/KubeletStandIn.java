package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import io.kvswitch.e2e.sandbox.net.Underlay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's kubelet: it runs the first container of every DaemonSet pod as a process in each
 * selected node's namespace, with the pod's command, environment and host paths, reports each as a
 * Pod, and restarts processes that exit, backing off as the kubelet does.
 *
 * <p>With its own API server (fabric8's mock, which has no controllers) it makes those Pods itself,
 * named {@code DS-NODE}. In an existing cluster the DaemonSet controller makes a Pod for every
 * matching Node, the simulated ones too, and no kubelet of the cluster runs those: the stand-in
 * adopts the controller's Pod for each of its nodes (owned by the DaemonSet, bound to the node by
 * {@code spec.nodeName} or, before the scheduler binds it, by the controller's node affinity), runs
 * what that Pod says, and reports on its status. When such a Pod is deleted it stops the process
 * and confirms the deletion (grace period 0), as a kubelet does; it never creates Pods there.
 */
final class KubeletStandIn implements AutoCloseable {

  /**
   * Given to the JVMs of the pods when the sandbox's kubeconfig names the server's certificate with
   * {@code tls-server-name}: see {@link ExternalCluster#tlsServerName(Path)} for why.
   */
  static final String NO_HOSTNAME_CHECK = "-Djdk.internal.httpclient.disableHostnameVerification";

  private static final Logger LOG = LoggerFactory.getLogger(KubeletStandIn.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Host paths every pod shares with the host instead of getting a per-node copy. */
  private static final Set<String> SHARED_HOST_PATHS =
      Set.of("/var/run/netns", "/run/netns", "/dev/net/tun");

  /** Starts a pod's process; tests replace it to run pods without network namespaces. */
  @FunctionalInterface
  interface Launcher {
    Process start(PodProcess process) throws IOException;
  }

  private final KubernetesClient client;
  private final SandboxState state;
  private final SandboxNames names;
  private final Path dir;
  private final Path kubeconfig;
  private final Launcher launcher;
  private final boolean hostnameCheckOff;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /** Uids of Pods whose deletion the stand-in confirmed (a finalizer may keep them a while). */
  private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

  private SharedIndexInformer<DaemonSet> daemonSets;
  private SharedIndexInformer<Pod> pods;

  /**
   * One pod to run on one node.
   *
   * @param uid the adopted Pod's uid; null for a Pod the stand-in makes itself
   */
  private record Wanted(
      DaemonSet daemonSet, String namespace, String pod, String node, PodSpec spec, String uid) {

    String key() {
      return namespace + "/" + pod;
    }

    /** Whether a running process still runs this: the same Pod, or the same template. */
    boolean sameAs(Wanted other) {
      if (uid != null || other.uid != null) {
        return Objects.equals(uid, other.uid);
      }
      return daemonSet.getMetadata().getUid().equals(other.daemonSet.getMetadata().getUid())
          && Objects.equals(
              daemonSet.getMetadata().getGeneration(),
              other.daemonSet.getMetadata().getGeneration());
    }
  }

  /** One pod's process and its restart bookkeeping. */
  private static final class Running {
    final Wanted pod;
    Process process;
    int restarts;
    Instant startedAt;
    Instant nextStart = Instant.EPOCH;

    Running(Wanted pod) {
      this.pod = pod;
    }
  }

  KubeletStandIn(
      KubernetesClient client, SandboxState state, SandboxNames names, Path dir, Path kubeconfig) {
    this(client, state, names, dir, kubeconfig, PodProcess::start);
  }

  KubeletStandIn(
      KubernetesClient client,
      SandboxState state,
      SandboxNames names,
      Path dir,
      Path kubeconfig,
      Launcher launcher) {
    this.client = client;
    this.state = state;
    this.names = names;
    this.dir = dir;
    this.kubeconfig = kubeconfig;
    this.launcher = launcher;
    this.hostnameCheckOff = ExternalCluster.tlsServerName(kubeconfig).isPresent();
  }

  void start() {
    daemonSets = client.apps().daemonSets().inAnyNamespace().inform();
    if (adopting()) {
      pods = client.pods().inAnyNamespace().inform();
    }
    loop.scheduleWithFixedDelay(this::sync, 0, 500, TimeUnit.MILLISECONDS);
  }

  /** In an existing cluster, where the DaemonSet controller makes the Pods. */
  private boolean adopting() {
    return state.record().external();
  }

  /** Brings the running processes in line with the DaemonSets and nodes, and restarts exits. */
  private void sync() {
    try {
      Map<String, Wanted> wanted = adopting() ? adoptedPods() : ownPods();
      for (Map.Entry<String, Running> entry : Map.copyOf(running).entrySet()) {
        Wanted pod = wanted.get(entry.getKey());
        if (pod == null || !pod.sameAs(entry.getValue().pod)) {
          stop(entry.getKey(), entry.getValue());
        }
      }
      for (Wanted pod : wanted.values()) {
        Running entry = running.computeIfAbsent(pod.key(), k -> new Running(pod));
        if ((entry.process == null || !entry.process.isAlive())
            && Instant.now().isAfter(entry.nextStart)) {
          launch(entry);
        }
      }
      if (adopting()) {
        confirmDeletions();
      }
    } catch (RuntimeException e) {
      LOG.warn("kubelet stand-in: sync failed", e);
    }
  }

  /** For the sandbox's own API server: a Pod of each DaemonSet on each matching node. */
  private Map<String, Wanted> ownPods() {
    Map<String, Wanted> wanted = new LinkedHashMap<>();
    List<Node> nodes = client.nodes().list().getItems();
    for (DaemonSet ds : daemonSets.getStore().list()) {
      for (Node node : nodes) {
        String name = node.getMetadata().getName();
        if (state.record().nodes.contains(name)
            && NodeSelection.matches(ds.getSpec().getTemplate().getSpec(), node)) {
          Wanted pod =
              new Wanted(
                  ds,
                  ds.getMetadata().getNamespace(),
                  podName(ds, name),
                  name,
                  ds.getSpec().getTemplate().getSpec(),
                  null);
          wanted.put(pod.key(), pod);
        }
      }
    }
    return wanted;
  }

  /**
   * In an existing cluster: the DaemonSet controller's Pods for the sandbox's nodes, except those
   * being deleted.
   */
  private Map<String, Wanted> adoptedPods() {
    Map<String, Wanted> wanted = new LinkedHashMap<>();
    for (Pod pod : pods.getStore().list()) {
      Optional<DaemonSet> ds = ownerOnOurNode(pod);
      if (ds.isPresent() && pod.getMetadata().getDeletionTimestamp() == null) {
        Wanted entry =
            new Wanted(
                ds.get(),
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(),
                NodeSelection.boundNode(pod.getSpec()).orElseThrow(),
                pod.getSpec(),
                pod.getMetadata().getUid());
        wanted.put(entry.key(), entry);
      }
    }
    return wanted;
  }

  /** The DaemonSet a Pod belongs to, when the Pod is for one of the sandbox's nodes. */
  private Optional<DaemonSet> ownerOnOurNode(Pod pod) {
    Optional<String> node = NodeSelection.boundNode(pod.getSpec());
    if (node.isEmpty() || !state.record().nodes.contains(node.get())) {
      return Optional.empty();
    }
    return DaemonSetController.daemonSetOwner(pod)
        .flatMap(
            owner ->
                daemonSets.getStore().list().stream()
                    .filter(ds -> ds.getMetadata().getUid().equals(owner.getUid()))
                    .filter(
                        ds ->
                            ds.getMetadata()
                                .getNamespace()
                                .equals(pod.getMetadata().getNamespace()))
                    .findFirst());
  }

  /**
   * A Pod on a real cluster is deleted gracefully: it stays, marked, until its kubelet has stopped
   * it and deletes it for good. The stand-in has stopped the process by now (the Pod is no longer
   * wanted), so it does that last step.
   */
  private void confirmDeletions() {
    for (Pod pod : pods.getStore().list()) {
      if (pod.getMetadata().getDeletionTimestamp() != null
          && ownerOnOurNode(pod).isPresent()
          && !running.containsKey(
              pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName())
          && confirmed.add(pod.getMetadata().getUid())) {
        client.resource(pod).withGracePeriod(0).delete();
        LOG.info(
            "pod {}/{}: stopped, deletion confirmed",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName());
      }
    }
  }

  private void launch(Running entry) {
    Wanted pod = entry.pod;
    Container container = pod.spec().getContainers().getFirst();
    Optional<List<String>> command =
        ImageEntrypoints.commandFor(
            container.getImage(), container.getCommand(), container.getArgs());
    if (command.isEmpty()) {
      LOG.warn(
          "pod {}: image {} is not one the sandbox can run and the container names no command",
          pod.key(),
          container.getImage());
      entry.nextStart = Instant.now().plus(MAX_BACKOFF);
      return;
    }
    boolean restart = entry.process != null;
    if (restart) {
      entry.restarts++;
    }
    try {
      Files.createDirectories(dir.resolve("logs"));
      PodProcess process =
          new PodProcess(
              pod.node(),
              names.nodeNamespace(pod.node()),
              hostPaths(pod.spec(), container, pod.node()),
              command.get(),
              environment(pod, container),
              PodProcess.logFile(dir, pod.pod()));
      entry.process = launcher.start(process);
      entry.startedAt = Instant.now();
      state.process(entry.process.pid());
      long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(entry.restarts, 5));
      entry.nextStart = Instant.now().plusMillis(backoff);
      LOG.info(
          "pod {} on {}: started pid {}{}",
          pod.key(),
          pod.node(),
          entry.process.pid(),
          restart ? " (restart " + entry.restarts + ")" : "");
    } catch (IOException | RuntimeException e) {
      LOG.warn("pod {}: cannot start: {}", pod.key(), e.toString());
      entry.nextStart = Instant.now().plus(MAX_BACKOFF);
      return;
    }
    try {
      report(entry);
    } catch (RuntimeException e) {
      LOG.warn("pod {}: cannot report its status: {}", pod.key(), e.toString());
    }
  }

  private Map<String, Path> hostPaths(PodSpec spec, Container container, String node) {
    Map<String, String> volumes = new HashMap<>();
    for (Volume volume : Optional.ofNullable(spec.getVolumes()).orElse(List.of())) {
      if (volume.getHostPath() != null) {
        volumes.put(volume.getName(), volume.getHostPath().getPath());
      }
    }
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
      String hostPath = volumes.get(mount.getName());
      if (hostPath != null && !SHARED_HOST_PATHS.contains(hostPath)) {
        mounts.put(
            mount.getMountPath(),
            dir.resolve("nodes").resolve(node).resolve(hostPath.substring(1)));
      }
    }
    return mounts;
  }

  private Map<String, String> environment(Wanted pod, Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    // A pod on a real cluster uses its service account; in the sandbox it gets the kubeconfig.
    env.put("KUBECONFIG", kubeconfig.toString());
    for (EnvVar variable : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      if (variable.getValue() != null) {
        env.put(variable.getName(), variable.getValue());
      } else if (variable.getValueFrom() != null && variable.getValueFrom().getFieldRef() != null) {
        String field = variable.getValueFrom().getFieldRef().getFieldPath();
        switch (field) {
          case "spec.nodeName" -> env.put(variable.getName(), pod.node());
          case "metadata.name" -> env.put(variable.getName(), pod.pod());
          case "metadata.namespace" -> env.put(variable.getName(), pod.namespace());
          default ->
              LOG.warn(
                  "pod {}: env {} from {} is not supported in the sandbox",
                  pod.key(),
                  variable.getName(),
                  field);
        }
      }
    }
    if (hostnameCheckOff) {
      // Every JVM reads JAVA_TOOL_OPTIONS, whatever command the container names.
      env.merge("JAVA_TOOL_OPTIONS", NO_HOSTNAME_CHECK + "=true", (had, add) -> had + " " + add);
    }
    return env;
  }

  private void report(Running entry) {
    Wanted pod = entry.pod;
    if (pod.uid() != null) {
      PodStatus status = status(entry);
      client
          .pods()
          .inNamespace(pod.namespace())
          .withName(pod.pod())
          .editStatus(
              current -> {
                current.setStatus(status);
                return current;
              });
      return;
    }
    DaemonSet ds = pod.daemonSet();
    Map<String, String> labels = new HashMap<>();
    if (ds.getSpec().getTemplate().getMetadata().getLabels() != null) {
      labels.putAll(ds.getSpec().getTemplate().getMetadata().getLabels());
    }
    labels.put(SimulatedNodes.SANDBOX_LABEL, state.record().id);
    Pod object =
        new PodBuilder()
            .withNewMetadata()
            .withName(pod.pod())
            .withNamespace(pod.namespace())
            .withLabels(labels)
            .addNewOwnerReference()
            .withApiVersion("apps/v1")
            .withKind("DaemonSet")
            .withName(ds.getMetadata().getName())
            .withUid(ds.getMetadata().getUid())
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withSpec(pod.spec())
            .editSpec()
            .withNodeName(pod.node())
            .endSpec()
            .withStatus(status(entry))
            .build();
    client.resource(object).createOr(NonDeletingOperation::update);
  }

  /** What a kubelet reports for a pod whose one container runs. */
  private PodStatus status(Running entry) {
    Container container = entry.pod.spec().getContainers().getFirst();
    String started = entry.startedAt.toString();
    Integer index = state.record().nodeIndexes.get(entry.pod.node());
    String hostIp = index == null ? null : Underlay.nodeAddress(index);
    PodStatusBuilder status =
        new PodStatusBuilder().withPhase("Running").withHostIP(hostIp).withStartTime(started);
    if (Boolean.TRUE.equals(entry.pod.spec().getHostNetwork())) {
      status.withPodIP(hostIp);
    }
    for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
      status
          .addNewCondition()
          .withType(type)
          .withStatus("True")
          .withLastTransitionTime(started)
          .endCondition();
    }
    return status
        .addNewContainerStatus()
        .withName(container.getName())
        .withImage(container.getImage())
        .withReady(true)
        .withStarted(true)
        .withRestartCount(entry.restarts)
        .withNewState()
        .withNewRunning()
        .withStartedAt(started)
        .endRunning()
        .endState()
        .endContainerStatus()
        .build();
  }

  private void stop(String key, Running entry) {
    running.remove(key);
    if (entry.process != null && entry.process.isAlive()) {
      entry.process.destroy();
      try {
        if (!entry.process.waitFor(10, TimeUnit.SECONDS)) {
          entry.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (entry.pod.uid() == null) {
      // The stand-in's own Pod; an adopted one is the DaemonSet controller's to delete.
      client.pods().inNamespace(entry.pod.namespace()).withName(entry.pod.pod()).delete();
    }
    LOG.info("pod {} on {}: stopped", key, entry.pod.node());
  }

  static String podName(DaemonSet ds, String node) {
    return ds.getMetadata().getName() + "-" + node;
  }

  @Override
  public void close() {
    loop.shutdownNow();
    if (daemonSets != null) {
      daemonSets.close();
    }
    if (pods != null) {
      pods.close();
    }
    for (Map.Entry<String, Running> pod : Map.copyOf(running).entrySet()) {
      stop(pod.getKey(), pod.getValue());
    }
  }
}
