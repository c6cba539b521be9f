package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the plugin as its own process, as Multus and the kubelet do: a clean environment with the
 * CNI_* variables, the configuration on stdin, the result read from stdout. By default it runs the
 * plugin class on this JVM's classpath; with {@code -Dkvswitch.cni.plugin=PATH} it runs that
 * executable instead, e.g. the packaged {@code target/cni/bin/kvswitch}.
 */
final class PluginProcess {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One call's outcome: exit status and stdout as JSON (null when empty). */
  record Call(int exit, JsonNode output, long nanos) {}

  private PluginProcess() {}

  static List<String> command() {
    String packaged = System.getProperty("kvswitch.cni.plugin", "");
    if (!packaged.isEmpty()) {
      return List.of(packaged);
    }
    return List.of(
        ProcessHandle.current().info().command().orElseThrow(),
        "-cp",
        System.getProperty("java.class.path"),
        "io.kvswitch.dataplane.cni.CniPlugin");
  }

  static Call run(Map<String, String> env, String stdin) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command()));
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().put("CNI_PATH", "/opt/cni/bin");
    builder.environment().putAll(env);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    Process process = builder.start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    long nanos = System.nanoTime() - start;
    String text = new String(out, StandardCharsets.UTF_8).strip();
    return new Call(process.exitValue(), text.isEmpty() ? null : JSON.readTree(text), nanos);
  }
}
