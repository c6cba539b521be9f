package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * The sandbox's kubelet: it runs the first container of every Pod of the kvswitch operator's agent
 * DaemonSets ({@link OperatorDaemonSets}; no other DaemonSet's) as a process in each selected
 * node's namespace, with the pod's command, environment and host paths, reports each as a Pod, and
 * restarts processes that exit, backing off as the kubelet does.
 *
 * <p>With its own API server (fabric8's mock, which has no controllers) it makes those Pods itself,
 * named {@code DS-NODE}. In an existing cluster the DaemonSet controller makes a Pod for every
 * matching Node, the simulated ones too, and no kubelet of the cluster runs those: the stand-in
 * adopts the controller's Pod for each of its nodes (owned by the DaemonSet, bound to the node by
 * {@code spec.nodeName} or, before the scheduler binds it, by the controller's node affinity), runs
 * what that Pod says, and reports on its status. When a Pod bound to one of its nodes is deleted it
 * stops the process, if any, and confirms the deletion (grace period 0), as a kubelet does; it
 * never creates Pods there.
 *
 * <p>Every sync works out each Pod's status from its process (running; waiting in {@code
 * CrashLoopBackOff} during a back-off; the restart count) and writes it whenever the informer's
 * copy says otherwise, so a failed write or someone else's is corrected on the next sync.
 */
final class KubeletStandIn implements AutoCloseable {

  /**
   * Given to the JVMs of the pods when the sandbox's kubeconfig names the server's certificate with
   * {@code tls-server-name}: see {@link ExternalCluster#tlsServerName(Path)} for why.
   */
  static final String NO_HOSTNAME_CHECK = "-Djdk.internal.httpclient.disableHostnameVerification";

  /** The first restart's delay; each further one doubles it, up to {@link #MAX_BACKOFF}. */
  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);

  /** Shorter than the kubelet's 5 min: a sandbox user is waiting on the restart. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** A process that ran this long before it exited is restarted without delay, as by a kubelet. */
  static final Duration BACKOFF_RESET = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(KubeletStandIn.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

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
  private final Clock clock;
  private final boolean hostnameCheckOff;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  /**
   * Uids of Pods whose deletion the stand-in confirmed (a finalizer may keep them a while); a uid
   * goes once the informer no longer has its Pod.
   */
  private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

  private volatile boolean closed;
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

    /** The Pod's {@code status.startTime}: when the stand-in first took it on. */
    final Instant podStarted;

    Process process;
    int restarts;
    Instant startedAt;
    Instant exitedAt;
    ContainerStateTerminated lastTermination;
    int backoffLevel;
    Instant nextStart = Instant.EPOCH;

    /** Why the container does not run although no back-off holds it (it could not be started). */
    String waitingReason;

    String waitingMessage;

    Running(Wanted pod, Instant podStarted) {
      this.pod = pod;
      this.podStarted = podStarted;
    }

    /**
     * Whether the process ran when the sync last looked ({@link #noteExit}): status and restarts
     * within one sync then agree, even if it exits meanwhile.
     */
    boolean alive() {
      return process != null && exitedAt == null;
    }
  }

  KubeletStandIn(
      KubernetesClient client, SandboxState state, SandboxNames names, Path dir, Path kubeconfig) {
    this(client, state, names, dir, kubeconfig, PodProcess::start, Clock.systemUTC());
  }

  KubeletStandIn(
      KubernetesClient client,
      SandboxState state,
      SandboxNames names,
      Path dir,
      Path kubeconfig,
      Launcher launcher,
      Clock clock) {
    this.client = client;
    this.state = state;
    this.names = names;
    this.dir = dir;
    this.kubeconfig = kubeconfig;
    this.launcher = launcher;
    this.clock = clock;
    this.hostnameCheckOff = ExternalCluster.tlsServerName(kubeconfig).isPresent();
  }

  void start() {
    daemonSets = client.apps().daemonSets().inAnyNamespace().inform();
    pods = client.pods().inAnyNamespace().inform();
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
        Running entry = running.computeIfAbsent(pod.key(), k -> new Running(pod, startTime(pod)));
        noteExit(entry);
        if (!entry.alive() && !clock.instant().isBefore(entry.nextStart)) {
          launch(entry);
        }
        try {
          reportIfChanged(entry);
        } catch (RuntimeException e) {
          LOG.warn("pod {}: cannot report its status: {}", pod.key(), e.toString());
        }
      }
      if (adopting()) {
        confirmDeletions();
      }
    } catch (RuntimeException e) {
      LOG.warn("kubelet stand-in: sync failed", e);
    }
  }

  /** The Pod's start time as already reported, so a restarted supervisor keeps it; else now. */
  private Instant startTime(Wanted pod) {
    return Optional.ofNullable(pods.getStore().getByKey(pod.key()))
        .filter(p -> pod.uid() == null || pod.uid().equals(p.getMetadata().getUid()))
        .map(Pod::getStatus)
        .map(PodStatus::getStartTime)
        .map(Instant::parse)
        .orElse(clock.instant());
  }

  /** For the sandbox's own API server: a Pod of each DaemonSet on each matching node. */
  private Map<String, Wanted> ownPods() {
    Map<String, Wanted> wanted = new LinkedHashMap<>();
    List<Node> nodes = client.nodes().list().getItems();
    for (DaemonSet ds : daemonSets.getStore().list()) {
      if (!OperatorDaemonSets.madeByOperator(ds)) {
        continue;
      }
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
   * In an existing cluster: the DaemonSet controller's Pods of the operator's DaemonSets for the
   * sandbox's nodes, except those being deleted.
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

  private boolean onOurNode(Pod pod) {
    Optional<String> node = NodeSelection.boundNode(pod.getSpec());
    return node.isPresent() && state.record().nodes.contains(node.get());
  }

  /**
   * The operator's DaemonSet a Pod belongs to, when the Pod is for one of the sandbox's nodes.
   * Another DaemonSet's Pod there stays Pending: nothing runs it.
   */
  private Optional<DaemonSet> ownerOnOurNode(Pod pod) {
    if (!onOurNode(pod)) {
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
                    .filter(OperatorDaemonSets::madeByOperator)
                    .findFirst());
  }

  /**
   * A Pod on a real cluster is deleted gracefully: it stays, marked, until its kubelet has stopped
   * it and deletes it for good. For every marked Pod bound to one of the sandbox's nodes whose
   * process, if it had one, has stopped (the Pod is no longer wanted, so the sync stopped it), the
   * stand-in does that last step; also when its DaemonSet is gone already. A uid is recorded only
   * once the DELETE succeeded, so a failed one is tried again on the next sync.
   */
  private void confirmDeletions() {
    Set<String> present = new HashSet<>();
    for (Pod pod : pods.getStore().list()) {
      String uid = pod.getMetadata().getUid();
      present.add(uid);
      String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      Running entry = running.get(key);
      if (pod.getMetadata().getDeletionTimestamp() == null
          || !onOurNode(pod)
          || confirmed.contains(uid)
          || (entry != null && entry.alive())) {
        continue;
      }
      try {
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .withGracePeriod(0)
            .delete();
        confirmed.add(uid);
        LOG.info("pod {}: stopped, deletion confirmed", key);
      } catch (RuntimeException e) {
        LOG.warn("pod {}: cannot confirm its deletion, will try again: {}", key, e.toString());
      }
    }
    confirmed.retainAll(present);
  }

  /** Starts the back-off when the process is found to have exited. */
  private void noteExit(Running entry) {
    if (entry.process == null || entry.process.isAlive() || entry.exitedAt != null) {
      return;
    }
    Instant now = clock.instant();
    entry.exitedAt = now;
    int exitCode = entry.process.exitValue();
    entry.lastTermination =
        new ContainerStateTerminatedBuilder()
            .withExitCode(exitCode)
            .withReason(exitCode == 0 ? "Completed" : "Error")
            .withStartedAt(entry.startedAt.toString())
            .withFinishedAt(now.toString())
            .build();
    if (!Duration.between(entry.startedAt, now).minus(BACKOFF_RESET).isNegative()) {
      entry.backoffLevel = 0;
    }
    Duration backoff = backoff(entry.backoffLevel);
    entry.backoffLevel++;
    entry.nextStart = now.plus(backoff);
    LOG.info(
        "pod {} on {}: exited with {}, restarting in {} s",
        entry.pod.key(),
        entry.pod.node(),
        exitCode,
        backoff.toSeconds());
  }

  static Duration backoff(int level) {
    Duration delay = INITIAL_BACKOFF;
    for (int i = 0; i < level && delay.compareTo(MAX_BACKOFF) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(MAX_BACKOFF) < 0 ? delay : MAX_BACKOFF;
  }

  private void launch(Running entry) {
    if (closed) {
      return;
    }
    Wanted pod = entry.pod;
    Container container = pod.spec().getContainers().getFirst();
    Optional<List<String>> command =
        ImageEntrypoints.commandFor(
            container.getImage(), container.getCommand(), container.getArgs());
    if (command.isEmpty()) {
      String message =
          "image " + container.getImage() + " is not one the sandbox can run and names no command";
      LOG.warn("pod {}: {}", pod.key(), message);
      cannotStart(entry, message);
      return;
    }
    boolean restart = entry.process != null;
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
      Process started = launcher.start(process);
      entry.process = started;
      entry.startedAt = clock.instant();
      entry.exitedAt = null;
      entry.waitingReason = null;
      entry.waitingMessage = null;
      if (restart) {
        entry.restarts++;
      }
      state.process(started.pid());
      LOG.info(
          "pod {} on {}: started pid {}{}",
          pod.key(),
          pod.node(),
          started.pid(),
          restart ? " (restart " + entry.restarts + ")" : "");
    } catch (IOException | RuntimeException e) {
      LOG.warn("pod {}: cannot start: {}", pod.key(), e.toString());
      cannotStart(entry, e.toString());
    }
  }

  private void cannotStart(Running entry, String message) {
    entry.waitingReason = "RunContainerError";
    entry.waitingMessage = message;
    entry.nextStart = clock.instant().plus(MAX_BACKOFF);
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

  /** Writes the Pod's status when the informer's copy differs from what the process says. */
  private void reportIfChanged(Running entry) {
    Wanted pod = entry.pod;
    Pod current = pods.getStore().getByKey(pod.key());
    if (current != null && pod.uid() != null && !pod.uid().equals(current.getMetadata().getUid())) {
      return;
    }
    PodStatus reported = current == null ? null : current.getStatus();
    PodStatus status = status(entry, reported);
    if (current != null && StatusSummary.of(reported).equals(StatusSummary.of(status))) {
      return;
    }
    if (pod.uid() != null) {
      client
          .pods()
          .inNamespace(pod.namespace())
          .withName(pod.pod())
          .editStatus(
              edited -> {
                if (edited.getStatus() != null) {
                  // Set by the API server when it admitted the Pod; not the kubelet's to change.
                  status.setQosClass(edited.getStatus().getQosClass());
                }
                edited.setStatus(status);
                return edited;
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
            .withStatus(status)
            .build();
    client.resource(object).createOr(NonDeletingOperation::update);
  }

  /**
   * What a kubelet reports for a pod whose one container is in the state its process is in.
   * Conditions whose status did not change keep the transition time already reported.
   */
  private PodStatus status(Running entry, PodStatus reported) {
    Instant now = clock.instant();
    Container container = entry.pod.spec().getContainers().getFirst();
    Integer index = state.record().nodeIndexes.get(entry.pod.node());
    String hostIp = index == null ? null : Underlay.nodeAddress(index);
    boolean alive = entry.alive();
    PodStatusBuilder status =
        new PodStatusBuilder()
            .withPhase(entry.process != null ? "Running" : "Pending")
            .withHostIP(hostIp)
            .withStartTime(entry.podStarted.toString());
    if (Boolean.TRUE.equals(entry.pod.spec().getHostNetwork())) {
      status.withPodIP(hostIp);
    }
    // Bound by the scheduler once spec.nodeName is set; a Pod the stand-in makes always is.
    boolean bound = entry.pod.uid() == null || entry.pod.spec().getNodeName() != null;
    List<PodCondition> conditions = new ArrayList<>();
    if (bound) {
      conditions.add(condition("PodScheduled", true, reported, now));
    }
    conditions.add(condition("Initialized", true, reported, now));
    conditions.add(condition("ContainersReady", alive, reported, now));
    conditions.add(condition("Ready", alive, reported, now));
    status.withConditions(conditions);
    ContainerState state;
    if (alive) {
      state = new ContainerStateBuilder().withNewRunning(entry.startedAt.toString()).build();
    } else if (entry.waitingReason != null) {
      state =
          new ContainerStateBuilder()
              .withNewWaiting(entry.waitingMessage, entry.waitingReason)
              .build();
    } else if (entry.process != null) {
      long seconds = Duration.between(entry.exitedAt, entry.nextStart).toSeconds();
      state =
          new ContainerStateBuilder()
              .withNewWaiting(
                  "back-off " + seconds + "s restarting failed container", "CrashLoopBackOff")
              .build();
    } else {
      state = new ContainerStateBuilder().withNewWaiting(null, "ContainerCreating").build();
    }
    return status
        .addNewContainerStatus()
        .withName(container.getName())
        .withImage(container.getImage())
        .withReady(alive)
        .withStarted(alive)
        .withRestartCount(entry.restarts)
        .withState(state)
        .withNewLastStateLike(
            entry.lastTermination == null
                ? new ContainerState()
                : new ContainerStateBuilder().withTerminated(entry.lastTermination).build())
        .endLastState()
        .endContainerStatus()
        .build();
  }

  private static PodCondition condition(
      String type, boolean isTrue, PodStatus reported, Instant now) {
    String value = isTrue ? "True" : "False";
    String since =
        Optional.ofNullable(reported).map(PodStatus::getConditions).orElse(List.of()).stream()
            .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
            .map(PodCondition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(now.toString());
    PodConditionBuilder condition =
        new PodConditionBuilder().withType(type).withStatus(value).withLastTransitionTime(since);
    if (!isTrue) {
      condition.withReason("ContainersNotReady");
    }
    return condition.build();
  }

  /**
   * The parts of a Pod's status the stand-in decides; times and what the API server adds are left
   * out, so an unchanged status is not written again.
   */
  record StatusSummary(
      String phase,
      String hostIp,
      String podIp,
      String startTime,
      List<String> conditions,
      List<String> containers) {

    static StatusSummary of(PodStatus status) {
      if (status == null) {
        return new StatusSummary(null, null, null, null, List.of(), List.of());
      }
      List<String> conditions =
          Optional.ofNullable(status.getConditions()).orElse(List.of()).stream()
              .map(c -> c.getType() + "=" + c.getStatus())
              .sorted()
              .toList();
      List<String> containers =
          Optional.ofNullable(status.getContainerStatuses()).orElse(List.of()).stream()
              .map(StatusSummary::container)
              .toList();
      return new StatusSummary(
          status.getPhase(),
          status.getHostIP(),
          status.getPodIP(),
          status.getStartTime(),
          conditions,
          containers);
    }

    private static String container(ContainerStatus c) {
      ContainerState state = Optional.ofNullable(c.getState()).orElse(new ContainerState());
      String kind =
          state.getRunning() != null
              ? "running " + state.getRunning().getStartedAt()
              : state.getWaiting() != null
                  ? "waiting " + state.getWaiting().getReason()
                  : state.getTerminated() != null ? "terminated" : "none";
      return c.getName()
          + " ready="
          + c.getReady()
          + " restarts="
          + c.getRestartCount()
          + " "
          + kind;
    }
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
        entry.process.destroyForcibly();
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

  /**
   * Stops the sync loop and waits for a sync under way to finish, so that none can start a process
   * after this; then stops every process.
   */
  @Override
  public void close() {
    closed = true;
    ScheduledLoops.shutDownAndAwait(loop, CLOSE_TIMEOUT, "kubelet stand-in");
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
