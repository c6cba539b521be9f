package io.kvswitch.e2e.sandbox.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kvswitch.e2e.sandbox.SandboxState;
import io.kvswitch.e2e.sandbox.net.Ip;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the sandbox's kubelet that runs workloads: for every Pod the verbs create (labelled
 * {@link WorkloadLabels#KIND}) on a sandbox node it makes a network namespace, recorded in the
 * sandbox state first, attaches each network of the Multus annotation with the real CNI plugin,
 * starts the workload's DHCP client, and reports interface, MAC and lease in the Pod. When the Pod
 * goes, it detaches (CNI DEL with the configuration it attached with, as libcni caches it) and
 * removes the namespace. Failed attaches are undone, reported on the Pod and retried.
 */
public final class WorkloadRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadRuntime.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final Duration DHCP_RESTART = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final SandboxState state;
  private final SandboxNames names;
  private final Path workloadsDir;
  private final CniInvoker cni;
  private final boolean dhcpClientInstalled;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, Attached> attached = new LinkedHashMap<>();
  private final Map<String, Failure> failures = new HashMap<>();
  private SharedIndexInformer<Pod> pods;

  /** One interface made by a CNI ADD, with what DEL needs. */
  private record Attachment(NetworkSelection network, String config, JsonNode result) {

    String mac() {
      for (JsonNode iface : result.path("interfaces")) {
        if (!iface.path("sandbox").asText("").isEmpty()) {
          return iface.path("mac").asText();
        }
      }
      return "";
    }
  }

  /** A pod the runtime has attached. */
  private static final class Attached {
    final String namespace;
    final String name;
    final String uid;
    final String node;
    final String netns;
    final List<Attachment> attachments = new ArrayList<>();
    final Map<String, Process> dhcpClients = new HashMap<>();
    final Map<String, Instant> dhcpStarted = new HashMap<>();
    final Map<String, String> publishedLeases = new HashMap<>();

    Attached(String namespace, String name, String uid, String node, String netns) {
      this.namespace = namespace;
      this.name = name;
      this.uid = uid;
      this.node = node;
      this.netns = netns;
    }
  }

  /** The last failed attach of a pod, so it is reported once and retried later. */
  private record Failure(String message, Instant retryAt) {}

  /** Why an attach did not happen, in words for the Pod's status. */
  private static final class AttachFailure extends Exception {
    private static final long serialVersionUID = 1L;

    AttachFailure(String message) {
      super(message);
    }
  }

  public WorkloadRuntime(
      KubernetesClient client,
      SandboxState state,
      SandboxNames names,
      Path workloadsDir,
      CniInvoker cni,
      boolean dhcpClientInstalled) {
    this.client = client;
    this.state = state;
    this.names = names;
    this.workloadsDir = workloadsDir;
    this.cni = cni;
    this.dhcpClientInstalled = dhcpClientInstalled;
  }

  public void start() {
    pods = client.pods().inAnyNamespace().withLabel(WorkloadLabels.KIND).inform();
    loop.scheduleWithFixedDelay(this::sync, 0, 300, TimeUnit.MILLISECONDS);
  }

  /** Brings the attached workloads in line with the Pods, and reports DHCP leases. */
  private void sync() {
    try {
      Map<String, Pod> wanted = new LinkedHashMap<>();
      for (Pod pod : pods.getStore().list()) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null
            && pod.getMetadata().getDeletionTimestamp() == null
            && state.record().nodes.contains(node)) {
          wanted.put(pod.getMetadata().getUid(), pod);
        }
      }
      for (String uid : Set.copyOf(attached.keySet())) {
        if (!wanted.containsKey(uid)) {
          detach(attached.remove(uid));
        }
      }
      failures.keySet().retainAll(wanted.keySet());
      for (Map.Entry<String, Pod> entry : wanted.entrySet()) {
        if (!attached.containsKey(entry.getKey())) {
          Failure failure = failures.get(entry.getKey());
          if (failure == null || Instant.now().isAfter(failure.retryAt())) {
            attach(entry.getValue());
          }
        }
      }
      for (Attached workload : attached.values()) {
        Pod pod = wanted.get(workload.uid);
        if (pod != null && !isStandby(pod)) {
          runDhcpClients(workload);
        }
        publishLeases(workload);
      }
    } catch (RuntimeException e) {
      LOG.warn("workloads: sync failed", e);
    }
  }

  private static boolean isStandby(Pod pod) {
    return "true".equals(labels(pod).get(WorkloadLabels.STANDBY));
  }

  private static Map<String, String> labels(Pod pod) {
    return Optional.ofNullable(pod.getMetadata().getLabels()).orElse(Map.of());
  }

  private void attach(Pod pod) {
    String uid = pod.getMetadata().getUid();
    String who = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    try {
      Attached workload = attachOrUndo(pod);
      attached.put(uid, workload);
      failures.remove(uid);
      LOG.info(
          "workload {} on {}: attached {} in namespace {}",
          who,
          workload.node,
          workload.attachments.stream()
              .map(a -> a.network().interfaceName() + " " + a.mac() + " " + a.network().reference())
              .toList(),
          workload.netns);
      reportAttached(workload);
    } catch (AttachFailure | IOException | KubernetesClientException e) {
      String message = e instanceof AttachFailure ? e.getMessage() : e.toString();
      Failure previous = failures.put(uid, new Failure(message, Instant.now().plus(RETRY)));
      if (previous == null || !previous.message().equals(message)) {
        LOG.warn("workload {}: cannot attach: {}", who, message);
        reportFailure(pod, message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Attached attachOrUndo(Pod pod) throws AttachFailure, IOException, InterruptedException {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String node = pod.getSpec().getNodeName();
    List<NetworkSelection> networks =
        NetworkSelection.fromAnnotation(
            Optional.ofNullable(pod.getMetadata().getAnnotations())
                .map(a -> a.get(WorkloadLabels.NETWORKS))
                .orElse(null),
            namespace);
    if (networks.isEmpty()) {
      throw new AttachFailure("the pod names no network in " + WorkloadLabels.NETWORKS);
    }
    // Every configuration first, so that a missing network fails before anything is made.
    List<String> configs = new ArrayList<>();
    for (NetworkSelection network : networks) {
      configs.add(configFor(network));
    }
    Attached workload =
        new Attached(
            namespace, name, pod.getMetadata().getUid(), node, names.workloadNamespace(name));
    state.namespace(workload.netns);
    if (Ip.tryRun("netns", "exec", workload.netns, "true").exitCode() != 0) {
      Ip.run("netns", "add", workload.netns);
    }
    Ip.inNamespace(workload.netns, "link", "set", "lo", "up");
    for (int i = 0; i < networks.size(); i++) {
      NetworkSelection network = networks.get(i);
      CniInvoker.Outcome outcome =
          cniCall("ADD", workload, network.interfaceName(), configs.get(i));
      if (!outcome.succeeded()) {
        // Like a kubelet, undo the whole sandbox when one attachment fails: DEL is safe to
        // call for the one that failed, too.
        workload.attachments.add(new Attachment(network, configs.get(i), JSON.nullNode()));
        detach(workload);
        throw new AttachFailure(
            "attaching " + network.reference() + " on " + node + ": " + outcome.error());
      }
      workload.attachments.add(
          new Attachment(network, configs.get(i), JSON.readTree(outcome.stdout())));
    }
    return workload;
  }

  private String configFor(NetworkSelection network) throws AttachFailure, IOException {
    GenericKubernetesResource nad =
        client
            .genericKubernetesResources("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition")
            .inNamespace(network.namespace())
            .withName(network.name())
            .get();
    if (nad == null) {
      throw new AttachFailure(
          "NetworkAttachmentDefinition "
              + network.reference()
              + " not found: the operator writes it for VlanNetwork "
              + network.reference()
              + " once the network is valid (kubectl get vlan -n "
              + network.namespace()
              + " "
              + network.name()
              + ")");
    }
    JsonNode spec = JSON.valueToTree(nad.getAdditionalProperties().get("spec"));
    String text = spec == null ? "" : spec.path("config").asText("");
    if (text.isEmpty()) {
      throw new AttachFailure(
          "NetworkAttachmentDefinition " + network.reference() + " has no spec.config");
    }
    ObjectNode config = (ObjectNode) JSON.readTree(text);
    if (network.mac() != null) {
      // Multus passes the annotation's MAC to plugins as the "mac" capability.
      ObjectNode runtimeConfig =
          config.get("runtimeConfig") instanceof ObjectNode existing
              ? existing
              : config.putObject("runtimeConfig");
      runtimeConfig.put("mac", network.mac());
    }
    return config.toString();
  }

  private CniInvoker.Outcome cniCall(
      String command, Attached workload, String ifName, String config)
      throws IOException, InterruptedException {
    return cni.call(
        command,
        workload.node,
        names.nodeNamespace(workload.node),
        workload.uid,
        workload.netns,
        ifName,
        workload.namespace,
        workload.name,
        config);
  }

  private void runDhcpClients(Attached workload) {
    if (!dhcpClientInstalled) {
      return;
    }
    for (Attachment attachment : workload.attachments) {
      String ifName = attachment.network().interfaceName();
      Process running = workload.dhcpClients.get(ifName);
      Instant started = workload.dhcpStarted.getOrDefault(ifName, Instant.EPOCH);
      if ((running != null && running.isAlive())
          || Instant.now().isBefore(started.plus(DHCP_RESTART))) {
        continue;
      }
      try {
        Process process =
            new ProcessBuilder(
                    DhcpClient.command(
                        workload.netns,
                        ifName,
                        workloadDir(workload),
                        currentAddress(workload.netns, ifName)))
                .redirectErrorStream(true)
                .redirectOutput(
                    ProcessBuilder.Redirect.appendTo(
                        workloadDir(workload).resolve("udhcpc-" + ifName + ".log").toFile()))
                .start();
        state.process(process.pid());
        workload.dhcpClients.put(ifName, process);
        workload.dhcpStarted.put(ifName, Instant.now());
        LOG.info(
            "workload {}/{}: DHCP client on {} (pid {})",
            workload.namespace,
            workload.name,
            ifName,
            process.pid());
      } catch (IOException e) {
        LOG.warn("workload {}/{}: cannot start udhcpc: {}", workload.namespace, workload.name, e);
        workload.dhcpStarted.put(ifName, Instant.now());
      }
    }
  }

  /** The IPv4 address the interface has now, so a migrated VM asks for the one it carries. */
  private static Optional<String> currentAddress(String netns, String ifName) {
    Ip.Result result = Ip.tryRun("-n", netns, "-4", "-o", "addr", "show", "dev", ifName);
    for (String word : result.output().split("\\s+")) {
      if (word.contains("/") && Character.isDigit(word.charAt(0))) {
        return Optional.of(word.substring(0, word.indexOf('/')));
      }
    }
    return Optional.empty();
  }

  private Path workloadDir(Attached workload) {
    return workloadsDir.resolve(workload.netns);
  }

  private void publishLeases(Attached workload) {
    boolean changed = false;
    for (Attachment attachment : workload.attachments) {
      String ifName = attachment.network().interfaceName();
      Optional<String> lease = DhcpClient.lease(workloadDir(workload), ifName);
      if (lease.isPresent() && !lease.get().equals(workload.publishedLeases.get(ifName))) {
        workload.publishedLeases.put(ifName, lease.get());
        LOG.info(
            "workload {}/{}: lease on {}: {}", workload.namespace, workload.name, ifName, lease);
        changed = true;
      }
    }
    if (changed) {
      reportAttached(workload);
    }
  }

  /** Multus's network-status: one entry per attachment with interface, MAC and address. */
  private String networkStatus(Attached workload) {
    ArrayNode status = JSON.createArrayNode();
    for (Attachment attachment : workload.attachments) {
      ObjectNode entry = status.addObject();
      entry.put("name", attachment.network().reference());
      entry.put("interface", attachment.network().interfaceName());
      entry.put("mac", attachment.mac());
      String lease = workload.publishedLeases.get(attachment.network().interfaceName());
      if (lease != null) {
        DhcpClient.field(lease, "ip").ifPresent(ip -> entry.putArray("ips").add(ip));
        DhcpClient.field(lease, "router")
            .filter(r -> !r.isEmpty())
            .ifPresent(router -> entry.putArray("gateway").add(router));
      }
      entry.putObject("dns");
    }
    return status.toString();
  }

  private void reportAttached(Attached workload) {
    try {
      String networkStatus = networkStatus(workload);
      client
          .pods()
          .inNamespace(workload.namespace)
          .withName(workload.name)
          .edit(
              pod -> {
                Map<String, String> annotations =
                    new LinkedHashMap<>(
                        Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of()));
                annotations.put(WorkloadLabels.NETNS, workload.netns);
                annotations.put(WorkloadLabels.NETWORK_STATUS, networkStatus);
                pod.getMetadata().setAnnotations(annotations);
                return pod;
              });
      String podIp =
          workload.attachments.stream()
              .map(a -> workload.publishedLeases.get(a.network().interfaceName()))
              .filter(Objects::nonNull)
              .flatMap(lease -> DhcpClient.field(lease, "ip").stream())
              .findFirst()
              .orElse(null);
      client
          .pods()
          .inNamespace(workload.namespace)
          .withName(workload.name)
          .editStatus(
              pod -> {
                pod.setStatus(
                    new PodStatusBuilder()
                        .withPhase("Running")
                        .withHostIP(nodeAddress(workload.node))
                        .withPodIP(podIp)
                        .withConditions(
                            new PodConditionBuilder()
                                .withType("Ready")
                                .withStatus("True")
                                .withReason("Attached")
                                .build())
                        .build());
                return pod;
              });
    } catch (KubernetesClientException e) {
      // The pod may have been deleted meanwhile; the next sync detaches it.
      LOG.debug("workload {}/{}: status not written: {}", workload.namespace, workload.name, e);
    }
  }

  private String nodeAddress(String node) {
    var object = client.nodes().withName(node).get();
    if (object == null || object.getStatus() == null || object.getStatus().getAddresses() == null) {
      return null;
    }
    return object.getStatus().getAddresses().stream()
        .filter(a -> "InternalIP".equals(a.getType()))
        .map(a -> a.getAddress())
        .findFirst()
        .orElse(null);
  }

  private void reportFailure(Pod pod, String message) {
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .editStatus(
              current -> {
                current.setStatus(
                    new PodStatusBuilder()
                        .withPhase("Pending")
                        .withConditions(
                            new PodConditionBuilder()
                                .withType("Ready")
                                .withStatus("False")
                                .withReason("FailedCreatePodSandBox")
                                .withMessage(message)
                                .build())
                        .build());
                return current;
              });
    } catch (KubernetesClientException e) {
      LOG.debug("pod {}: failure not reported: {}", pod.getMetadata().getName(), e.toString());
    }
  }

  /** Stops the DHCP clients, detaches every interface and removes the namespace. */
  private void detach(Attached workload) {
    for (Process process : workload.dhcpClients.values()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Attachment attachment : workload.attachments.reversed()) {
      try {
        CniInvoker.Outcome outcome =
            cniCall("DEL", workload, attachment.network().interfaceName(), attachment.config());
        if (!outcome.succeeded()) {
          LOG.warn(
              "workload {}/{}: CNI DEL of {} failed: {}",
              workload.namespace,
              workload.name,
              attachment.network().interfaceName(),
              outcome.error());
        }
      } catch (IOException e) {
        LOG.warn("workload {}/{}: CNI DEL: {}", workload.namespace, workload.name, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Ip.tryRun("netns", "del", workload.netns);
    deleteDirectory(workloadDir(workload));
    LOG.info("workload {}/{}: detached and removed", workload.namespace, workload.name);
  }

  private static void deleteDirectory(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      LOG.debug("cannot remove {}: {}", dir, e.toString());
    }
  }

  /**
   * Stops watching and detaches every workload, so that the agents get their CNI DEL calls while
   * they still run.
   */
  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (pods != null) {
      pods.close();
    }
    for (Attached workload : List.copyOf(attached.values())) {
      detach(workload);
    }
    attached.clear();
  }
}
