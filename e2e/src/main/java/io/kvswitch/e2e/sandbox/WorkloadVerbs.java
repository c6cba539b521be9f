package io.kvswitch.e2e.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.e2e.sandbox.VerbArguments.UsageException;
import io.kvswitch.e2e.sandbox.net.Ip;
import io.kvswitch.e2e.sandbox.workload.NetworkSelection;
import io.kvswitch.e2e.sandbox.workload.WorkloadLabels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The workload verbs: {@code pod add|del}, {@code vm add|del|migrate} and {@code exec}. They act
 * through the API server only, as a user with kubectl would: they write Pod objects and wait for
 * the sandbox's workload runtime to report them attached; {@code exec} enters the namespace the Pod
 * names.
 */
final class WorkloadVerbs {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME_PATTERN = "[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?";

  private final KubernetesClient client;
  private final SandboxState state;
  private final PrintStream out;
  private final PrintStream err;

  WorkloadVerbs(KubernetesClient client, PrintStream out, PrintStream err) {
    this(client, null, out, err);
  }

  /**
   * @param state the running sandbox's state: in an existing cluster the Pods the verbs create are
   *     recorded there before they are made, so that {@code down} deletes them even after a crash
   */
  WorkloadVerbs(KubernetesClient client, SandboxState state, PrintStream out, PrintStream err) {
    this.client = client;
    this.state = state;
    this.out = out;
    this.err = err;
  }

  KubernetesClient client() {
    return client;
  }

  static final String POD_ADD_USAGE =
      """
      Usage: ./kvswitch sandbox pod add NAME --node NODE --network NAMESPACE/NETWORK
                                            [--mac MAC] [--labels k=v,...]
                                            [--timeout SECONDS] [--dhcp-timeout SECONDS]
        Creates Pod NAME in NAMESPACE on NODE with the Multus annotation for the VlanNetwork's
        attachment. The sandbox makes a network namespace for it, attaches it with the kvswitch
        CNI plugin (interface net1) and runs a DHCP client (busybox udhcpc) in it. Waits up to
        --timeout (60) s for the attachment and --dhcp-timeout (20) s for a lease.""";

  static final String VM_ADD_USAGE =
      """
      Usage: ./kvswitch sandbox vm add NAME --node NODE --network NAMESPACE/NETWORK
                                           [--mac MAC] [--labels k=v,...]
                                           [--timeout SECONDS] [--dhcp-timeout SECONDS]
        As pod add, for a VM: its launcher pod is virt-launcher-NAME-XXXXX (labelled
        kubevirt.io/domain=NAME) and its MAC is fixed: --mac, or one derived from NAME, kept
        across migrations.""";

  static final String DEL_USAGE =
      """
      Usage: ./kvswitch sandbox pod del NAME [--timeout SECONDS]
             ./kvswitch sandbox vm del NAME [--timeout SECONDS]
        Deletes the workload's Pod(s); the sandbox detaches them (CNI DEL) and removes their
        network namespaces. Waits up to --timeout (60) s for that.""";

  static final String EXEC_USAGE =
      """
      Usage: ./kvswitch sandbox exec NAME -- COMMAND [ARGS...]
        Runs COMMAND inside the network namespace of workload NAME (a pod, or the VM's active
        launcher pod), e.g. ./kvswitch sandbox exec web-1 -- ip addr show net1""";

  static final String MIGRATE_USAGE =
      """
      Usage: ./kvswitch sandbox vm migrate NAME --to NODE [--timeout SECONDS]
        Live-migrates VM NAME as KubeVirt does: a target launcher pod on NODE is attached first
        (standby), then the VM stops on the source (its interface goes down), resumes on the
        target with the same MAC and addresses, announces itself with gratuitous ARP, and the
        source pod is deleted.""";

  int add(List<String> words, String kind) throws UsageException, InterruptedException {
    boolean vm = kind.equals("vm");
    VerbArguments args =
        VerbArguments.parse(
            words,
            Set.of("--node", "--network", "--mac", "--labels", "--timeout", "--dhcp-timeout"));
    if (args.help()) {
      out.println(vm ? VM_ADD_USAGE : POD_ADD_USAGE);
      return 0;
    }
    String name = args.name(kind + " name");
    if (!name.matches(NAME_PATTERN)) {
      throw new UsageException(
          "'"
              + name
              + "' is not a valid name: lowercase letters, digits and '-', at most 40 characters");
    }
    String node = args.required("--node");
    NetworkSelection network =
        NetworkSelection.parse(
            args.required("--network"),
            args.option("--mac").map(WorkloadVerbs::checkMac).orElse(vm ? vmMac(name) : null));
    Map<String, String> labels = labels(args.option("--labels").orElse(""));
    Duration timeout = Duration.ofSeconds(args.seconds("--timeout", 60));
    Duration dhcpTimeout = Duration.ofSeconds(args.seconds("--dhcp-timeout", 20));

    if (client.nodes().withName(node).get() == null) {
      return fail(
          "node "
              + node
              + " does not exist (nodes: "
              + String.join(
                  ", ", client.nodes().list().getItems().stream().map(WorkloadVerbs::name).toList())
              + "); ./kvswitch sandbox node add "
              + node
              + " makes one");
    }
    if (!workloadPods(name).isEmpty()) {
      return fail(
          "a workload named " + name + " already exists; ./kvswitch sandbox pod del " + name);
    }
    if (client
            .resources(VlanNetwork.class)
            .inNamespace(network.namespace())
            .withName(network.name())
            .get()
        == null) {
      return fail(
          "VlanNetwork "
              + network.reference()
              + " does not exist: create it first (kubectl apply -f, e.g."
              + " crds/examples/02-vlannetwork-web.yaml in namespace default)");
    }
    labels.put(WorkloadLabels.WORKLOAD, name);
    labels.put(WorkloadLabels.KIND, kind);
    String podName = name;
    if (vm) {
      labels.put(WorkloadLabels.KUBEVIRT_DOMAIN, name);
      podName = launcherPodName(name);
    }
    Pod pod =
        create(
            workloadPod(
                state.record().id, podName, network.namespace(), node, labels, List.of(network)));
    out.println(
        kind
            + " "
            + name
            + ": created Pod "
            + network.namespace()
            + "/"
            + podName
            + " on "
            + node
            + " with network "
            + network.reference()
            + (network.mac() != null ? " and MAC " + network.mac() : ""));
    Optional<Pod> running = awaitAttached(pod, timeout);
    if (running.isEmpty()) {
      return 1;
    }
    printAttachment(kind, name, running.get());
    if (!dhcpTimeout.isZero()) {
      awaitLease(kind, name, running.get(), dhcpTimeout);
    }
    return 0;
  }

  /**
   * Creates a workload's Pod. In an existing cluster it is labelled with the sandbox's id and
   * recorded in the state first, as everything else the sandbox makes there, so {@code down} finds
   * it even when the supervisor crashed; {@code pod del} deletes it as before.
   */
  private Pod create(Pod pod) {
    if (state != null && state.record().external()) {
      Map<String, String> labels = new LinkedHashMap<>(labelsOf(pod));
      labels.put(SimulatedNodes.SANDBOX_LABEL, state.record().id);
      pod.getMetadata().setLabels(labels);
      state.clusterObject(
          "v1", "Pod", pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }
    return client.resource(pod).create();
  }

  /**
   * A workload Pod, bound to its node by name; it tolerates the simulated nodes' taint ({@link
   * SimulatedNodes#taint}), which keeps the cluster's scheduler from placing other Pods there.
   */
  private static Pod workloadPod(
      String sandboxId,
      String podName,
      String namespace,
      String node,
      Map<String, String> labels,
      List<NetworkSelection> networks) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName)
        .withNamespace(namespace)
        .withLabels(labels)
        .addToAnnotations(WorkloadLabels.NETWORKS, NetworkSelection.toAnnotation(networks))
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withTolerations(SimulatedNodes.toleration(sandboxId))
        .addNewContainer()
        .withName("workload")
        // Nothing runs this image: the sandbox's workloads are network namespaces.
        .withImage("kvswitch.io/sandbox-workload")
        .endContainer()
        .endSpec()
        .build();
  }

  /** Waits for the runtime to report the pod attached, showing why when it does not. */
  private Optional<Pod> awaitAttached(Pod pod, Duration timeout) throws InterruptedException {
    String namespace = pod.getMetadata().getNamespace();
    String podName = pod.getMetadata().getName();
    AtomicReference<String> lastProblem =
        new AtomicReference<>("the sandbox has not picked it up (is the supervisor running?)");
    Optional<Optional<Pod>> settled =
        Waits.forObject(
            client.pods().inNamespace(namespace).withName(podName),
            current -> {
              if (current == null) {
                return true;
              }
              Optional<PodCondition> ready = readyCondition(current);
              if (ready.isPresent() && ready.get().getMessage() != null) {
                lastProblem.set(ready.get().getMessage());
              }
              return ready.isPresent() && "True".equals(ready.get().getStatus());
            },
            timeout);
    if (settled.isPresent()) {
      if (settled.get().isEmpty()) {
        fail("Pod " + namespace + "/" + podName + " was deleted while it was being attached");
      }
      return settled.get();
    }
    fail(
        "Pod "
            + namespace
            + "/"
            + podName
            + " is not attached after "
            + timeout.toSeconds()
            + " s: "
            + lastProblem.get()
            + ". The sandbox keeps retrying; ./kvswitch sandbox pod del removes it.");
    return Optional.empty();
  }

  private static Optional<PodCondition> readyCondition(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst();
  }

  private void printAttachment(String kind, String name, Pod pod) {
    for (JsonNode attachment : networkStatus(pod)) {
      out.println(
          kind
              + " "
              + name
              + ": attached "
              + attachment.path("interface").asText()
              + " (MAC "
              + attachment.path("mac").asText()
              + ") to "
              + attachment.path("name").asText()
              + " on "
              + pod.getSpec().getNodeName()
              + "; network namespace "
              + annotation(pod, WorkloadLabels.NETNS).orElse("?"));
    }
  }

  /** The pod's leased addresses from its network-status annotation, as "IF IP [gateway GW]". */
  private static List<String> leases(Pod pod) {
    List<String> leases = new ArrayList<>();
    for (JsonNode attachment : networkStatus(pod)) {
      for (JsonNode ip : attachment.path("ips")) {
        leases.add(
            attachment.path("interface").asText()
                + " "
                + ip.asText()
                + (attachment.path("gateway").isEmpty()
                    ? ""
                    : " gateway " + attachment.path("gateway").get(0).asText()));
      }
    }
    return leases;
  }

  private void awaitLease(String kind, String name, Pod pod, Duration timeout)
      throws InterruptedException {
    Optional<Optional<Pod>> leased =
        Waits.forObject(
            client
                .pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()),
            current -> current == null || !leases(current).isEmpty(),
            timeout);
    if (leased.isPresent()) {
      leased
          .get()
          .ifPresent(
              current ->
                  out.println(
                      kind + " " + name + ": DHCP lease " + String.join(", ", leases(current))));
      return;
    }
    out.println(
        kind
            + " "
            + name
            + ": no DHCP lease after "
            + timeout.toSeconds()
            + " s (the switch's DHCP server did not answer; the client keeps asking). To use"
            + " the workload without DHCP, give it an address: ./kvswitch sandbox exec "
            + name
            + " -- ip addr add ADDRESS/PREFIX dev net1");
  }

  int delete(List<String> words) throws UsageException, InterruptedException {
    VerbArguments args = VerbArguments.parse(words, Set.of("--timeout"));
    if (args.help()) {
      out.println(DEL_USAGE);
      return 0;
    }
    String name = args.name("workload name");
    Duration timeout = Duration.ofSeconds(args.seconds("--timeout", 60));
    List<Pod> pods = workloadPods(name);
    if (pods.isEmpty()) {
      return fail("no workload named " + name + "; ./kvswitch sandbox status lists them");
    }
    for (Pod pod : pods) {
      client.resource(pod).delete();
      out.println(
          "deleted Pod "
              + pod.getMetadata().getNamespace()
              + "/"
              + pod.getMetadata().getName()
              + " on "
              + pod.getSpec().getNodeName());
    }
    for (Pod pod : pods) {
      Optional<String> netns = annotation(pod, WorkloadLabels.NETNS);
      if (netns.isPresent() && !awaitGone(netns.get(), timeout)) {
        return fail(
            "network namespace "
                + netns.get()
                + " is still there after "
                + timeout.toSeconds()
                + " s; see the supervisor's log");
      }
      netns.ifPresent(ns -> out.println("removed network namespace " + ns));
    }
    return 0;
  }

  private static boolean awaitGone(String netns, Duration timeout) throws InterruptedException {
    return Waits.forNamespaceGone(netns, timeout);
  }

  int exec(List<String> words) throws UsageException, IOException, InterruptedException {
    int separator = words.indexOf("--");
    List<String> before = separator < 0 ? words : words.subList(0, separator);
    if (before.contains("--help") || before.contains("-h")) {
      out.println(EXEC_USAGE);
      return 0;
    }
    if (separator < 0 || separator != 1 || separator == words.size() - 1) {
      throw new UsageException("give a workload name, then -- and the command");
    }
    String name = words.getFirst();
    Optional<Pod> pod = activePod(name);
    if (pod.isEmpty()) {
      return fail("no running workload named " + name + "; ./kvswitch sandbox status lists them");
    }
    String netns = annotation(pod.get(), WorkloadLabels.NETNS).orElseThrow();
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    command.addAll(words.subList(separator + 1, words.size()));
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }

  int migrate(List<String> words) throws UsageException, InterruptedException {
    VerbArguments args = VerbArguments.parse(words, Set.of("--to", "--timeout"));
    if (args.help()) {
      out.println(MIGRATE_USAGE);
      return 0;
    }
    String name = args.name("VM name");
    String target = args.required("--to");
    Duration timeout = Duration.ofSeconds(args.seconds("--timeout", 60));
    Optional<Pod> found = activePod(name);
    if (found.isEmpty() || !"vm".equals(labelsOf(found.get()).get(WorkloadLabels.KIND))) {
      return fail("no running VM named " + name + " (./kvswitch sandbox vm add makes one)");
    }
    Pod source = found.get();
    String sourceNode = source.getSpec().getNodeName();
    if (sourceNode.equals(target)) {
      return fail("VM " + name + " already runs on " + target);
    }
    if (client.nodes().withName(target).get() == null) {
      return fail("node " + target + " does not exist");
    }
    Map<String, String> labels = new LinkedHashMap<>(labelsOf(source));
    labels.put(WorkloadLabels.STANDBY, "true");
    List<NetworkSelection> networks =
        NetworkSelection.fromAnnotation(
            annotation(source, WorkloadLabels.NETWORKS).orElse(""),
            source.getMetadata().getNamespace());
    Pod targetPod =
        create(
            workloadPod(
                state.record().id,
                launcherPodName(name),
                source.getMetadata().getNamespace(),
                target,
                labels,
                networks));
    out.println(
        "vm "
            + name
            + ": target Pod "
            + targetPod.getMetadata().getName()
            + " created on "
            + target
            + " (standby)");
    Optional<Pod> attached = awaitAttached(targetPod, timeout);
    if (attached.isEmpty()) {
      client.resource(targetPod).delete();
      return fail("migration of " + name + " aborted; it keeps running on " + sourceNode);
    }
    printAttachment("vm", name, attached.get());
    String sourceNs = annotation(source, WorkloadLabels.NETNS).orElseThrow();
    String targetNs = annotation(attached.get(), WorkloadLabels.NETNS).orElseThrow();

    // The switch-over: the guest stops on the source and resumes on the target with its state,
    // which for the network is its addresses; then it announces itself from there.
    Instant stop = Instant.now();
    List<String> addresses = new ArrayList<>();
    for (NetworkSelection network : networks) {
      String ifName = network.interfaceName();
      List<String> cidrs = addresses(sourceNs, ifName);
      Ip.tryRun("-n", sourceNs, "link", "set", ifName, "down");
      for (String cidr : cidrs) {
        Ip.tryRun("-n", targetNs, "addr", "replace", cidr, "dev", ifName);
        addresses.add(cidr);
      }
    }
    out.println(
        "vm "
            + name
            + ": stopped on "
            + sourceNode
            + ", resumed on "
            + target
            + (addresses.isEmpty() ? " (no IPv4 address to carry)" : " with " + addresses));
    List<Process> announcements = new ArrayList<>();
    for (NetworkSelection network : networks) {
      for (String cidr : addresses(targetNs, network.interfaceName())) {
        announcements.addAll(
            announce(targetNs, network.interfaceName(), cidr.substring(0, cidr.indexOf('/'))));
      }
    }
    long switchOverMillis = Duration.between(stop, Instant.now()).toMillis();
    for (Process announcement : announcements) {
      announcement.waitFor();
    }
    client
        .pods()
        .inNamespace(targetPod.getMetadata().getNamespace())
        .withName(targetPod.getMetadata().getName())
        .edit(
            pod -> {
              pod.getMetadata().getLabels().remove(WorkloadLabels.STANDBY);
              return pod;
            });
    client.resource(source).delete();
    if (!awaitGone(sourceNs, timeout)) {
      return fail("the source's namespace " + sourceNs + " is still there; see the supervisor log");
    }
    out.println(
        "vm "
            + name
            + ": migrated "
            + sourceNode
            + " -> "
            + target
            + " (switch-over "
            + switchOverMillis
            + " ms); source Pod "
            + source.getMetadata().getName()
            + " removed");
    return 0;
  }

  /**
   * Gratuitous ARP, as a request and as a reply (switches and neighbours learn from either), sent
   * in the background: arping lingers for a second after sending.
   */
  private List<Process> announce(String netns, String ifName, String ip) {
    List<Process> senders = new ArrayList<>();
    for (String mode : List.of("-U", "-A")) {
      try {
        senders.add(
            new ProcessBuilder(
                    "ip", "netns", "exec", netns, "arping", mode, "-c", "1", "-I", ifName, ip)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start());
      } catch (IOException e) {
        err.println("vm: cannot run arping (apt-get install -y iputils-arping): " + e.getMessage());
      }
    }
    out.println("vm: announcing " + ip + " on " + ifName + " with gratuitous ARP");
    return senders;
  }

  private static List<String> addresses(String netns, String ifName) {
    List<String> cidrs = new ArrayList<>();
    Ip.Result result = Ip.tryRun("-n", netns, "-4", "-o", "addr", "show", "dev", ifName);
    String[] words = result.output().split("\\s+");
    for (int i = 0; i + 1 < words.length; i++) {
      if (words[i].equals("inet")) {
        cidrs.add(words[i + 1]);
      }
    }
    return cidrs;
  }

  /** The Pod(s) of workload NAME in any namespace. */
  List<Pod> workloadPods(String name) {
    return client
        .pods()
        .inAnyNamespace()
        .withLabel(WorkloadLabels.WORKLOAD, name)
        .list()
        .getItems();
  }

  /** The pod a workload runs in now: attached and not a migration target on standby. */
  Optional<Pod> activePod(String name) {
    return workloadPods(name).stream()
        .filter(p -> !"true".equals(labelsOf(p).get(WorkloadLabels.STANDBY)))
        .filter(p -> annotation(p, WorkloadLabels.NETNS).isPresent())
        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()));
  }

  /** One line per workload for {@code status}. */
  List<String> summary() {
    List<String> lines = new ArrayList<>();
    List<Pod> pods =
        client.pods().inAnyNamespace().withLabel(WorkloadLabels.KIND).list().getItems();
    for (Pod pod : pods) {
      List<String> interfaces = new ArrayList<>();
      for (JsonNode attachment : networkStatus(pod)) {
        List<String> ips = new ArrayList<>();
        attachment.path("ips").forEach(ip -> ips.add(ip.asText()));
        interfaces.add(
            attachment.path("interface").asText()
                + " "
                + attachment.path("name").asText()
                + " "
                + attachment.path("mac").asText()
                + " "
                + (ips.isEmpty() ? "(no lease)" : String.join(",", ips)));
      }
      Map<String, String> labels = labelsOf(pod);
      lines.add(
          String.format(
              "%-4s %-16s %-8s %s%s",
              labels.getOrDefault(WorkloadLabels.KIND, "?"),
              labels.getOrDefault(WorkloadLabels.WORKLOAD, pod.getMetadata().getName()),
              pod.getSpec().getNodeName(),
              interfaces.isEmpty() ? "not attached" : String.join("; ", interfaces),
              "true".equals(labels.get(WorkloadLabels.STANDBY)) ? " (standby)" : ""));
    }
    return lines;
  }

  static JsonNode networkStatus(Pod pod) {
    try {
      return JSON.readTree(annotation(pod, WorkloadLabels.NETWORK_STATUS).orElse("[]"));
    } catch (IOException e) {
      return JSON.createArrayNode();
    }
  }

  static Optional<String> annotation(Pod pod, String key) {
    return Optional.ofNullable(pod.getMetadata().getAnnotations()).map(a -> a.get(key));
  }

  private static Map<String, String> labelsOf(Pod pod) {
    return Optional.ofNullable(pod.getMetadata().getLabels()).orElse(Map.of());
  }

  private static String name(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return object.getMetadata().getName();
  }

  private static Map<String, String> labels(String text) throws UsageException {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new UsageException("--labels takes k=v,k2=v2, not '" + pair + "'");
      }
      labels.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
    }
    return labels;
  }

  private static String checkMac(String mac) {
    if (!mac.matches("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}")) {
      throw new IllegalArgumentException("--mac takes aa:bb:cc:dd:ee:ff, not '" + mac + "'");
    }
    return mac.toLowerCase(java.util.Locale.ROOT);
  }

  /** A locally administered unicast MAC that depends only on the VM's name. */
  static String vmMac(String name) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      byte[] mac = {0x02, 0x4b, hash[0], hash[1], hash[2], hash[3]};
      return HexFormat.ofDelimiter(":").formatHex(mac);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** KubeVirt's launcher pod name: a fresh suffix for every pod of the VM. */
  private static String launcherPodName(String vm) {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    SecureRandom random = new SecureRandom();
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return "virt-launcher-" + vm + "-" + suffix;
  }

  private int fail(String message) {
    err.println("sandbox: " + message);
    return 1;
  }
}
