package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin process alone: an ADD, from starting the launcher until it exits, against an agent
 * that answers at once with a fixed result, so that only the plugin's own cost (JVM start, class
 * loading, JSON, the socket) is measured. Several launchers (e.g. the packaged plugin built before
 * and after a change, or copies of the launcher with other JVM options) are run interleaved, round
 * by round in a rotated order, so that all see the same load on a shared machine. Not part of the
 * test run (the name matches neither *Test nor *IT); run with
 *
 * <pre>
 * ./mvnw -B -o -pl dataplane surefire:test -Dtest=PluginStartBenchmark \
 *   -Dkvswitch.cni.plugins=/path/a/kvswitch,/path/b/kvswitch
 * </pre>
 *
 * It prints the figures and asserts only that every call printed the agent's result.
 */
class PluginStartBenchmark {

  private static final int ROUNDS = 30;
  private static final String RESULT =
      "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"kvs0123456789ab\"},"
          + "{\"name\":\"net1\",\"mac\":\"02:00:00:00:00:01\",\"sandbox\":\"/var/run/netns/x\"}],"
          + "\"ips\":[]}";

  @TempDir Path dir;

  @Test
  void addAgainstAnAgentThatAnswersAtOnce() throws Exception {
    List<String> plugins =
        Arrays.stream(System.getProperty("kvswitch.cni.plugins", "").split(","))
            .filter(p -> !p.isBlank())
            .toList();
    assertThat(plugins).as("-Dkvswitch.cni.plugins=launcher,launcher,...").isNotEmpty();
    Path socket = dir.resolve("agent.sock");
    try (ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      agent.bind(UnixDomainSocketAddress.of(socket));
      Thread answering = Thread.ofPlatform().daemon().start(() -> answer(agent));
      String config =
          "{\"cniVersion\":\"1.0.0\",\"name\":\"web\",\"type\":\"kvswitch\",\"switch\":\"fabric\","
              + "\"vlanId\":10,\"socket\":\""
              + socket
              + "\"}";
      Map<String, List<Long>> millis = new LinkedHashMap<>();
      plugins.forEach(p -> millis.put(p, new ArrayList<>()));
      // Round 0 is not counted: it pays for filling the page cache.
      for (int round = 0; round <= ROUNDS; round++) {
        for (int turn = 0; turn < plugins.size(); turn++) {
          String plugin = plugins.get((round + turn) % plugins.size());
          long nanos = add(plugin, config);
          if (round > 0) {
            millis.get(plugin).add(nanos / 1_000_000);
          }
        }
      }
      answering.interrupt();
      millis.forEach(
          (plugin, values) -> {
            List<Long> sorted = values.stream().sorted().toList();
            System.out.printf(
                "plugin ADD alone, %d rounds interleaved, %s: p50 %d ms, p95 %d ms, min %d ms,"
                    + " max %d ms%n",
                ROUNDS,
                plugin,
                percentile(sorted, 50),
                percentile(sorted, 95),
                sorted.getFirst(),
                sorted.getLast());
          });
    }
  }

  private static long add(String plugin, String config) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(plugin);
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().put("CNI_COMMAND", "ADD");
    builder.environment().put("CNI_CONTAINERID", "bench");
    builder.environment().put("CNI_NETNS", "/var/run/netns/x");
    builder.environment().put("CNI_IFNAME", "net1");
    builder.environment().put("CNI_ARGS", "K8S_POD_NAMESPACE=apps;K8S_POD_NAME=web-1");
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    Process process = builder.start();
    process.getOutputStream().write(config.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    long nanos = System.nanoTime() - start;
    assertThat(process.exitValue()).as(plugin).isZero();
    assertThat(new String(out, StandardCharsets.UTF_8).strip()).as(plugin).isEqualTo(RESULT);
    return nanos;
  }

  /** Answers every request line with the fixed result, as the agent would after an ADD. */
  private static void answer(ServerSocketChannel agent) {
    byte[] answer = ("{\"result\":" + RESULT + ",\"code\":0}\n").getBytes(StandardCharsets.UTF_8);
    while (!Thread.currentThread().isInterrupted()) {
      try (SocketChannel call = agent.accept()) {
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        while (call.read(in) > 0 && in.get(in.position() - 1) != '\n') {
          // until the request's line is in
        }
        ByteBuffer out = ByteBuffer.wrap(answer);
        while (out.hasRemaining()) {
          call.write(out);
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Nearest-rank percentile. */
  private static long percentile(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
