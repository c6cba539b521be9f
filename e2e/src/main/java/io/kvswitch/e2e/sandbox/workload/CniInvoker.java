package io.kvswitch.e2e.sandbox.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Calls the kvswitch CNI plugin as Multus does on a node: a clean environment with the {@code
 * CNI_*} variables, the NetworkAttachmentDefinition's configuration on stdin, the result on stdout.
 * The call runs inside the node's network namespace with the node's {@code /run/kvswitch} (where
 * its agents' sockets are) mounted in place, as the node's own host paths.
 */
public final class CniInvoker {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 60;

  private final List<String> plugin;
  private final Path nodesDir;

  /**
   * @param plugin the plugin's command line: the packaged launcher, or a JVM running its class
   * @param nodesDir where the sandbox keeps each node's host paths ({@code NODE/run/kvswitch})
   */
  public CniInvoker(List<String> plugin, Path nodesDir) {
    this.plugin = List.copyOf(plugin);
    this.nodesDir = nodesDir;
  }

  /** What one call gave: its exit status and stdout (a result, an error, or nothing for DEL). */
  public record Outcome(int exit, String stdout) {

    public boolean succeeded() {
      return exit == 0;
    }

    /** The CNI error's code and message, for a person to read. */
    public String error() {
      try {
        JsonNode error = JSON.readTree(stdout);
        return "CNI error "
            + error.path("code").asInt()
            + ": "
            + error.path("msg").asText()
            + (error.hasNonNull("details") ? " (" + error.get("details").asText() + ")" : "");
      } catch (IOException | RuntimeException e) {
        return "exit " + exit + ": " + stdout.strip();
      }
    }
  }

  /** One call. {@code args} is CNI_ARGS without the leading IgnoreUnknown. */
  public Outcome call(
      String command,
      String node,
      String nodeNamespace,
      String containerId,
      String netns,
      String ifName,
      String podNamespace,
      String podName,
      String config)
      throws IOException, InterruptedException {
    Path runDir = nodesDir.resolve(node).resolve("run/kvswitch");
    Files.createDirectories(runDir);
    List<String> line =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                nodeNamespace,
                "sh",
                "-c",
                "mkdir -p /run/kvswitch && mount --bind \"$0\" /run/kvswitch && exec \"$@\"",
                runDir.toString()));
    line.addAll(plugin);
    ProcessBuilder builder = new ProcessBuilder(line);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("CNI_COMMAND", command);
    builder.environment().put("CNI_CONTAINERID", containerId);
    builder.environment().put("CNI_NETNS", "/var/run/netns/" + netns);
    builder.environment().put("CNI_IFNAME", ifName);
    builder.environment().put("CNI_PATH", "/opt/cni/bin");
    builder
        .environment()
        .put(
            "CNI_ARGS",
            "IgnoreUnknown=1;K8S_POD_NAMESPACE="
                + podNamespace
                + ";K8S_POD_NAME="
                + podName
                + ";K8S_POD_INFRA_CONTAINER_ID="
                + containerId);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    try (var stdin = process.getOutputStream()) {
      stdin.write(config.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Outcome(-1, "the plugin did not finish in " + TIMEOUT_SECONDS + " s");
    }
    return new Outcome(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
