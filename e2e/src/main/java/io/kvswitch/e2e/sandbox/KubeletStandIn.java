package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * selected node's namespace, with the pod template's command, environment and host paths, reports
 * each as a Pod, and restarts processes that exit, backing off as the kubelet does.
 */
final class KubeletStandIn implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubeletStandIn.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** Host paths every pod shares with the host instead of getting a per-node copy. */
  private static final Set<String> SHARED_HOST_PATHS =
      Set.of("/var/run/netns", "/run/netns", "/dev/net/tun");

  private final KubernetesClient client;
  private final SandboxState state;
  private final SandboxNames names;
  private final Path dir;
  private final Path kubeconfig;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private SharedIndexInformer<DaemonSet> daemonSets;

  /** One pod's process and its restart bookkeeping. */
  private static final class Running {
    final DaemonSet daemonSet;
    final String node;
    Process process;
    int restarts;
    Instant nextStart = Instant.EPOCH;

    Running(DaemonSet daemonSet, String node) {
      this.daemonSet = daemonSet;
      this.node = node;
    }
  }

  KubeletStandIn(
      KubernetesClient client, SandboxState state, SandboxNames names, Path dir, Path kubeconfig) {
    this.client = client;
    this.state = state;
    this.names = names;
    this.dir = dir;
    this.kubeconfig = kubeconfig;
  }

  void start() {
    daemonSets = client.apps().daemonSets().inAnyNamespace().inform();
    loop.scheduleWithFixedDelay(this::sync, 0, 500, TimeUnit.MILLISECONDS);
  }

  /** Brings the running processes in line with the DaemonSets and nodes, and restarts exits. */
  private void sync() {
    try {
      Map<String, DaemonSet> wanted = new LinkedHashMap<>();
      List<Node> nodes = client.nodes().list().getItems();
      for (DaemonSet ds : daemonSets.getStore().list()) {
        for (Node node : nodes) {
          if (state.record().nodes.contains(node.getMetadata().getName())
              && NodeSelection.matches(ds.getSpec().getTemplate().getSpec(), node)) {
            wanted.put(podName(ds, node.getMetadata().getName()), ds);
          }
        }
      }
      for (String pod : Set.copyOf(running.keySet())) {
        Running entry = running.get(pod);
        DaemonSet ds = wanted.get(pod);
        if (ds == null
            || !ds.getMetadata().getUid().equals(entry.daemonSet.getMetadata().getUid())
            || !ds.getMetadata()
                .getGeneration()
                .equals(entry.daemonSet.getMetadata().getGeneration())) {
          stop(pod, entry);
        }
      }
      for (Map.Entry<String, DaemonSet> pod : wanted.entrySet()) {
        String node = nodeOf(pod.getKey(), pod.getValue());
        Running entry =
            running.computeIfAbsent(pod.getKey(), p -> new Running(pod.getValue(), node));
        if ((entry.process == null || !entry.process.isAlive())
            && Instant.now().isAfter(entry.nextStart)) {
          launch(pod.getKey(), entry);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("kubelet stand-in: sync failed", e);
    }
  }

  private void launch(String pod, Running entry) {
    DaemonSet ds = entry.daemonSet;
    Container container = ds.getSpec().getTemplate().getSpec().getContainers().getFirst();
    Optional<List<String>> command =
        ImageEntrypoints.commandFor(
            container.getImage(), container.getCommand(), container.getArgs());
    if (command.isEmpty()) {
      LOG.warn(
          "pod {}: image {} is not one the sandbox can run and the container names no command",
          pod,
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
              entry.node,
              names.nodeNamespace(entry.node),
              hostPaths(ds, container, entry.node),
              command.get(),
              environment(ds, container, pod, entry.node),
              PodProcess.logFile(dir, pod));
      entry.process = process.start();
      state.process(entry.process.pid());
      long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(entry.restarts, 5));
      entry.nextStart = Instant.now().plusMillis(backoff);
      LOG.info(
          "pod {} on {}: started pid {}{}",
          pod,
          entry.node,
          entry.process.pid(),
          restart ? " (restart " + entry.restarts + ")" : "");
      report(pod, entry);
    } catch (IOException | RuntimeException e) {
      LOG.warn("pod {}: cannot start: {}", pod, e.toString());
      entry.nextStart = Instant.now().plus(MAX_BACKOFF);
    }
  }

  private Map<String, Path> hostPaths(DaemonSet ds, Container container, String node) {
    Map<String, String> volumes = new HashMap<>();
    for (Volume volume :
        Optional.ofNullable(ds.getSpec().getTemplate().getSpec().getVolumes()).orElse(List.of())) {
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

  private Map<String, String> environment(
      DaemonSet ds, Container container, String pod, String node) {
    Map<String, String> env = new LinkedHashMap<>();
    // A pod on a real cluster uses its service account; in the sandbox it gets the kubeconfig.
    env.put("KUBECONFIG", kubeconfig.toString());
    for (EnvVar variable : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      if (variable.getValue() != null) {
        env.put(variable.getName(), variable.getValue());
      } else if (variable.getValueFrom() != null && variable.getValueFrom().getFieldRef() != null) {
        String field = variable.getValueFrom().getFieldRef().getFieldPath();
        switch (field) {
          case "spec.nodeName" -> env.put(variable.getName(), node);
          case "metadata.name" -> env.put(variable.getName(), pod);
          case "metadata.namespace" -> env.put(variable.getName(), ds.getMetadata().getNamespace());
          default ->
              LOG.warn(
                  "pod {}: env {} from {} is not supported in the sandbox",
                  pod,
                  variable.getName(),
                  field);
        }
      }
    }
    return env;
  }

  private void report(String pod, Running entry) {
    DaemonSet ds = entry.daemonSet;
    Map<String, String> labels = new HashMap<>();
    if (ds.getSpec().getTemplate().getMetadata().getLabels() != null) {
      labels.putAll(ds.getSpec().getTemplate().getMetadata().getLabels());
    }
    labels.put(SimulatedNodes.SANDBOX_LABEL, state.record().id);
    if (state.record().external()) {
      state.clusterObject("v1", "Pod", ds.getMetadata().getNamespace(), pod);
    }
    Pod object =
        new PodBuilder()
            .withNewMetadata()
            .withName(pod)
            .withNamespace(ds.getMetadata().getNamespace())
            .withLabels(labels)
            .addNewOwnerReference()
            .withApiVersion("apps/v1")
            .withKind("DaemonSet")
            .withName(ds.getMetadata().getName())
            .withUid(ds.getMetadata().getUid())
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withSpec(ds.getSpec().getTemplate().getSpec())
            .editSpec()
            .withNodeName(entry.node)
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .addNewContainerStatus()
            .withName(ds.getSpec().getTemplate().getSpec().getContainers().getFirst().getName())
            .withImage(ds.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
            .withReady(true)
            .withStarted(true)
            .withRestartCount(entry.restarts)
            .endContainerStatus()
            .endStatus()
            .build();
    client.resource(object).createOr(NonDeletingOperation::update);
  }

  private void stop(String pod, Running entry) {
    running.remove(pod);
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
    client.pods().inNamespace(entry.daemonSet.getMetadata().getNamespace()).withName(pod).delete();
    LOG.info("pod {} on {}: stopped", pod, entry.node);
  }

  static String podName(DaemonSet ds, String node) {
    return ds.getMetadata().getName() + "-" + node;
  }

  private static String nodeOf(String pod, DaemonSet ds) {
    return pod.substring(ds.getMetadata().getName().length() + 1);
  }

  @Override
  public void close() {
    loop.shutdownNow();
    if (daemonSets != null) {
      daemonSets.close();
    }
    for (Map.Entry<String, Running> pod : Map.copyOf(running).entrySet()) {
      stop(pod.getKey(), pod.getValue());
    }
  }
}
