package io.kvswitch.e2e.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One container of one DaemonSet pod, run as a process inside its node's network namespace. {@code
 * ip netns exec} gives the process a mount namespace of its own, where the pod's host paths are
 * bind-mounted from the node's directory, so two nodes' agents never share a socket or a state
 * file.
 *
 * @param node the node name
 * @param namespace the node's network namespace
 * @param hostPaths container path to the node directory that stands in for the host's path
 * @param command the container's command line
 * @param env the container's environment
 * @param log where its output goes
 */
record PodProcess(
    String node,
    String namespace,
    Map<String, Path> hostPaths,
    List<String> command,
    Map<String, String> env,
    Path log) {

  Process start() throws IOException {
    StringBuilder script = new StringBuilder("set -e\n");
    for (Map.Entry<String, Path> mount : hostPaths.entrySet()) {
      Files.createDirectories(mount.getValue());
      script
          .append("mkdir -p ")
          .append(quote(mount.getKey()))
          .append("\nmount --bind ")
          .append(quote(mount.getValue().toString()))
          .append(' ')
          .append(quote(mount.getKey()))
          .append('\n');
    }
    script.append("exec");
    for (String word : command) {
      script.append(' ').append(quote(word));
    }
    List<String> line =
        new ArrayList<>(List.of("ip", "netns", "exec", namespace, "sh", "-c", script.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(line)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return builder.start();
  }

  private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  static Path logFile(Path dir, String pod) {
    return dir.resolve("logs").resolve(pod + ".log");
  }
}
