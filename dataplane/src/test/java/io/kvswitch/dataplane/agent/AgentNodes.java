package io.kvswitch.dataplane.agent;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Two "nodes" (namespaces) on a veth underlay (198.18.0.1 and .2; each namespace is private, so
 * these never meet the sandbox's), each running the agent's engine as its own process ({@link
 * StateFileAgent}), and four "pods" in one subnet (10.0.0.0/24): a10 and a20 on node A, b10 and b20
 * on node B. Each pod's host end is created in its node under the name the agent derives from the
 * SwitchPort ({@link HostInterfaces}), as the CNI handler would have made it.
 */
final class AgentNodes {

  static final String UNDERLAY_A = "198.18.0.1";
  static final String UNDERLAY_B = "198.18.0.2";
  private static final int METRICS_PORT = 9751;
  private static final ObjectMapper JSON = new ObjectMapper();

  final NetNamespace nodeA;
  final NetNamespace nodeB;
  final String underlayA;
  final Pod a10;
  final Pod a20;
  final Pod b10;
  final Pod b20;
  final Agent agentA;
  final Agent agentB;

  /** A pod: its namespace, its SwitchPort's namespace/name, its interface, MAC and address. */
  record Pod(
      NetNamespace namespace, String portName, String podDevice, String mac, String address) {}

  AgentNodes(NetworkLab lab, Path work) {
    nodeA = lab.namespace("na");
    nodeB = lab.namespace("nb");
    for (NetNamespace node : new NetNamespace[] {nodeA, nodeB}) {
      node.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
      node.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    }
    var underlay = lab.vethBetween(nodeA, "ua", nodeB, "ub");
    underlayA = underlay.hostName();
    nodeA.execOk("ip", "addr", "add", UNDERLAY_A + "/24", "dev", underlay.hostName());
    nodeB.execOk("ip", "addr", "add", UNDERLAY_B + "/24", "dev", underlay.peerName());
    a10 = pod(lab, nodeA, "a10", "02:00:00:0a:10:01", "10.0.0.1");
    a20 = pod(lab, nodeA, "a20", "02:00:00:0a:20:01", "10.0.0.3");
    b10 = pod(lab, nodeB, "b10", "02:00:00:0b:10:01", "10.0.0.2");
    b20 = pod(lab, nodeB, "b20", "02:00:00:0b:20:01", "10.0.0.4");
    agentA = Agent.start(lab, nodeA, work);
    agentB = Agent.start(lab, nodeB, work);
  }

  static Pod pod(NetworkLab lab, NetNamespace node, String suffix, String mac, String ip) {
    NetNamespace pod = lab.namespace(suffix);
    pod.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    pod.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    String portName = "apps/" + suffix;
    String hostEnd = HostInterfaces.forPort(portName);
    String podEnd = lab.name("p" + suffix);
    // Made inside the node namespace, so it goes with it.
    node.execOk(
        "ip", "link", "add", hostEnd, "type", "veth", "peer", "name", podEnd, "netns", pod.name());
    node.execOk("ip", "link", "set", hostEnd, "up");
    pod.execOk("ip", "link", "set", podEnd, "address", mac);
    pod.execOk("ip", "addr", "add", ip + "/24", "dev", podEnd);
    pod.execOk("ip", "link", "set", podEnd, "up");
    return new Pod(pod, portName, podEnd, mac, ip);
  }

  /** One node's engine process, fed through its state file. */
  static final class Agent {
    private final NetNamespace node;
    private final Process process;
    private final Path stateFile;
    private final Path log;

    private Agent(NetNamespace node, Process process, Path stateFile, Path log) {
      this.node = node;
      this.process = process;
      this.stateFile = stateFile;
      this.log = log;
    }

    static Agent start(NetworkLab lab, NetNamespace node, Path work) {
      Path stateFile = work.resolve(node.name() + ".state.json");
      Path log = work.resolve(node.name() + ".log");
      String java = ProcessHandle.current().info().command().orElse("java");
      Process process =
          lab.start(
              node.processBuilder(
                      java,
                      "--enable-native-access=ALL-UNNAMED",
                      "-Xmx256m",
                      "-cp",
                      System.getProperty("java.class.path"),
                      StateFileAgent.class.getName(),
                      stateFile.toString(),
                      String.valueOf(METRICS_PORT))
                  .redirectErrorStream(true)
                  .redirectOutput(log.toFile()));
      Agent agent = new Agent(node, process, stateFile, log);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "agent on " + node + " exited:\n" + agent.output());
                }
                return agent.output().contains("state file agent started");
              });
      return agent;
    }

    /** Hands the engine a new generation and waits until it applied it without a failure. */
    void apply(long generation, SwitchNodeStateSpec spec) {
      new LocalStateFile(stateFile).write(new LocalStateFile.Saved(generation, spec));
      Path result = stateFile.resolveSibling(stateFile.getFileName() + ".applied");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("agent on " + node + " exited:\n" + output());
                }
                if (!Files.isRegularFile(result)) {
                  return false;
                }
                JsonNode applied = JSON.readTree(result.toFile());
                if (applied.path("generation").asLong() != generation) {
                  return false;
                }
                if (!applied.path("failures").isEmpty()) {
                  throw new IllegalStateException(
                      "generation " + generation + " on " + node + " failed: " + applied);
                }
                return true;
              });
    }

    long pid() {
      return process.pid();
    }

    boolean isAlive() {
      return process.isAlive();
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(no output: " + e.getMessage() + ")";
      }
    }

    /** One sample from the engine's /metrics, fetched inside the node. */
    long metric(String series) {
      String text =
          node.execOk(
                  "curl",
                  "-sf",
                  "--max-time",
                  "10",
                  "http://127.0.0.1:" + METRICS_PORT + "/metrics")
              .stdout();
      for (String line : text.split("\n")) {
        if (line.startsWith(series + " ")) {
          return Long.parseLong(line.substring(series.length() + 1).strip());
        }
      }
      throw new AssertionError("no sample " + series + " on " + node + " in:\n" + text);
    }
  }
}
