package io.kvswitch.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.e2e.sandbox.SandboxState;
import io.kvswitch.e2e.sandbox.workload.WorkloadLabels;
import io.kvswitch.e2e.testing.Command;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A running sandbox as a scenario uses it: the {@code sandbox} verbs run as a user runs them (their
 * own process), a fabric8 client on the sandbox's kubeconfig for YAML and for reading status, and
 * the workloads' network namespaces for traffic.
 */
final class Sandbox implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RECEIVED =
      Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

  private final Path dir;
  private final SandboxState.Record state;
  private final KubernetesClient client;

  private Sandbox(Path dir, SandboxState.Record state, KubernetesClient client) {
    this.dir = dir;
    this.state = state;
    this.client = client;
  }

  /** {@code sandbox up} with two nodes in a fresh directory. */
  static Sandbox up() throws Exception {
    Path dir = Files.createTempDirectory("kvswitch-e2e");
    Command.Result up = run(dir, 240, "up", "--nodes", "2");
    assertThat(up.exitCode()).as("sandbox up:\n%s", up.output()).isZero();
    SandboxState.Record state = SandboxState.load(dir).record();
    Config config = Config.fromKubeconfig(Files.readString(Path.of(state.kubeconfig)));
    return new Sandbox(dir, state, new KubernetesClientBuilder().withConfig(config).build());
  }

  private static Command.Result run(Path dir, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "io.kvswitch.e2e.sandbox.SandboxMain"));
    command.addAll(Arrays.asList(args));
    command.addAll(List.of("--dir", dir.toString()));
    return Command.run(command, null, timeoutSeconds);
  }

  KubernetesClient client() {
    return client;
  }

  String id() {
    return state.id;
  }

  Path dir() {
    return dir;
  }

  /** Runs {@code ./kvswitch sandbox ARGS...} and returns what it printed. */
  Command.Result verb(String... args) throws IOException, InterruptedException {
    Command.Result result = run(dir, 180, args);
    System.out.println("$ sandbox " + String.join(" ", args) + "\n" + result.output().strip());
    return result;
  }

  /** A verb that must succeed. */
  String verbOk(String... args) throws IOException, InterruptedException {
    Command.Result result = verb(args);
    assertThat(result.exitCode())
        .as("sandbox %s:\n%s", String.join(" ", args), result.output())
        .isZero();
    return result.stdout();
  }

  /** Creates what a YAML document (or several) describes, as kubectl create -f would. */
  void create(String yaml) {
    client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).create();
  }

  /** Deletes what a YAML document describes. */
  void delete(String yaml) {
    client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).delete();
  }

  void namespace(String name) {
    create("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n");
  }

  /** Waits until the switch is realized on both nodes. */
  void awaitSwitchReady(String name) {
    await("switch " + name + " realized on both nodes")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              VirtualSwitch sw = client.resources(VirtualSwitch.class).withName(name).get();
              assertThat(sw).isNotNull();
              assertThat(sw.getStatus()).as("status of %s", name).isNotNull();
              assertThat(sw.getStatus().getNodesReady())
                  .as("nodes ready of %s: %s", name, sw.getStatus().getConditions())
                  .isEqualTo(2);
            });
  }

  /** Waits until the agents of the switch serve their CNI sockets on both nodes. */
  void awaitAgents(String switchName) {
    await("agents of " + switchName + " serving CNI on both nodes")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                List.of("node-1", "node-2").stream()
                    .allMatch(node -> Files.exists(cniSocket(node, switchName))));
  }

  Path cniSocket(String node, String switchName) {
    return dir.resolve("nodes").resolve(node).resolve("run/kvswitch/cni-" + switchName + ".sock");
  }

  /** The active Pod of a workload. */
  Pod pod(String workload) {
    List<Pod> pods =
        client
            .pods()
            .inAnyNamespace()
            .withLabel(WorkloadLabels.WORKLOAD, workload)
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getLabels().get(WorkloadLabels.STANDBY) == null)
            .toList();
    assertThat(pods).as("pods of workload %s", workload).hasSize(1);
    return pods.getFirst();
  }

  String netns(String workload) {
    return pod(workload).getMetadata().getAnnotations().get(WorkloadLabels.NETNS);
  }

  String nodeNamespace(String node) {
    return "kvs" + state.id + "-" + node;
  }

  /** The first leased address the workload's pod reports, if any. */
  Optional<String> lease(String workload) {
    try {
      JsonNode status =
          JSON.readTree(
              Optional.ofNullable(
                      pod(workload)
                          .getMetadata()
                          .getAnnotations()
                          .get(WorkloadLabels.NETWORK_STATUS))
                  .orElse("[]"));
      for (JsonNode attachment : status) {
        for (JsonNode ip : attachment.path("ips")) {
          return Optional.of(ip.asText());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Optional.empty();
  }

  String mac(String workload) throws IOException {
    JsonNode status =
        JSON.readTree(
            pod(workload).getMetadata().getAnnotations().get(WorkloadLabels.NETWORK_STATUS));
    return status.get(0).path("mac").asText();
  }

  /**
   * Waits for a DHCP lease and returns its address; without one it fails with what the workload's
   * DHCP client saw.
   */
  String awaitLease(String workload) throws IOException {
    try {
      return await("a DHCP lease for " + workload)
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> lease(workload), Optional::isPresent)
          .orElseThrow();
    } catch (ConditionTimeoutException e) {
      Path log = dir.resolve("workloads").resolve(netns(workload)).resolve("udhcpc-net1.log");
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of("(no log)");
      throw new AssertionError(
          "no DHCP lease for "
              + workload
              + " within 60 s: the switch's DHCP server did not answer its udhcpc. The end of "
              + log
              + ":\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size())),
          e);
    }
  }

  /** Runs a command inside a workload's network namespace (what {@code sandbox exec} does). */
  Command.Result inWorkload(String workload, String... command)
      throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", netns(workload)));
    line.addAll(Arrays.asList(command));
    return Command.run(line, null, 60);
  }

  /** The IPv4 addresses (CIDR) on the workload's net1. */
  List<String> addresses(String workload) throws IOException, InterruptedException {
    String output = inWorkload(workload, "ip", "-4", "-o", "addr", "show", "dev", "net1").stdout();
    List<String> cidrs = new ArrayList<>();
    String[] words = output.split("\\s+");
    for (int i = 0; i + 1 < words.length; i++) {
      if (words[i].equals("inet")) {
        cidrs.add(words[i + 1]);
      }
    }
    return cidrs;
  }

  /** Pings and returns how many replies came back. */
  int ping(String from, String address, int count) throws IOException, InterruptedException {
    Command.Result result =
        inWorkload(
            from, "ping", "-c", Integer.toString(count), "-i", "0.2", "-W", "1", "-q", address);
    Matcher matcher = RECEIVED.matcher(result.stdout());
    return matcher.find() ? Integer.parseInt(matcher.group(2)) : 0;
  }

  /** Process ids of the agent of a switch on a node, found by the environment it runs with. */
  List<Long> agentPids(String switchName, String node) {
    List<Long> pids = new ArrayList<>();
    try (var processes = Files.list(Path.of("/proc"))) {
      for (Path proc : processes.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
          if (!cmdline.contains("io.kvswitch.dataplane.agent.AgentMain")) {
            continue;
          }
          List<String> env =
              Arrays.asList(
                  new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8)
                      .split("\0"));
          if (env.contains("KVSWITCH_SWITCH=" + switchName) && env.contains("NODE_NAME=" + node)) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // The process ended while we looked.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return pids;
  }

  /** Interface names in a node's network namespace. */
  List<String> nodeInterfaces(String node) throws IOException, InterruptedException {
    String output =
        Command.run(List.of("ip", "-n", nodeNamespace(node), "-o", "link", "show"), null, 30)
            .stdout();
    return output.lines().map(l -> l.split(":\\s+")[1].split("@")[0]).sorted().toList();
  }

  @Override
  public void close() throws IOException {
    client.close();
    Command.Result down;
    try {
      down = run(dir, 120, "down");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while bringing the sandbox down");
    }
    System.out.println(down.output());
    assertThat(down.exitCode()).as("sandbox down:\n%s", down.output()).isZero();
  }
}
