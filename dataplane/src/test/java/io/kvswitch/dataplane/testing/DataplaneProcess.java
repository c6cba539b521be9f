package io.kvswitch.dataplane.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dataplane as a real process: {@code StandaloneMain} with a generated YAML config, started in
 * a namespace of a {@link NetworkLab} (so its AF_PACKET ports open that namespace's interfaces) and
 * ended by its own pid, with SIGTERM so the shutdown hook closes its ports.
 */
public final class DataplaneProcess {

  private static final Pattern STARTED =
      Pattern.compile("kvswitch dataplane forwarding: .* metrics on port (\\d+)");

  private final NetNamespace namespace;
  private final Process process;
  private final Path output;
  private final int metricsPort;

  private DataplaneProcess(NetNamespace namespace, Process process, Path output, int port) {
    this.namespace = namespace;
    this.process = process;
    this.output = output;
    this.metricsPort = port;
  }

  /**
   * Writes {@code yaml} to a file in {@code workDir}, starts the dataplane on it inside {@code
   * namespace}, and returns once it says it forwards. The config must have {@code metrics: {port:
   * 0}} (or a port): the line that says it started names the metrics port.
   */
  public static DataplaneProcess start(
      NetworkLab lab, NetNamespace namespace, String yaml, Path workDir) {
    Path config = workDir.resolve(lab.prefix() + "-switch.yaml");
    Path output = workDir.resolve(lab.prefix() + "-switch.log");
    try {
      Files.writeString(config, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        lab.start(
            namespace
                .processBuilder(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-Xmx512m",
                    "-cp",
                    // The test JVM's classpath: the module's classes, its services file and every
                    // runtime dependency, exactly what the built dataplane runs with.
                    System.getProperty("java.class.path"),
                    "io.kvswitch.dataplane.StandaloneMain",
                    config.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile()));
    int[] port = {-1};
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              Matcher matcher = STARTED.matcher(Files.readString(output));
              if (matcher.find()) {
                port[0] = Integer.parseInt(matcher.group(1));
                return true;
              }
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "the dataplane exited with "
                        + process.exitValue()
                        + ":\n"
                        + Files.readString(output));
              }
              return false;
            });
    return new DataplaneProcess(namespace, process, output, port[0]);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What the process printed so far (stdout and stderr). */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "(cannot read " + output + ": " + e.getMessage() + ")";
    }
  }

  /** The Prometheus text from {@code GET /metrics}, fetched inside the switch's namespace. */
  public String metrics() {
    return namespace
        .execOk("curl", "-sf", "--max-time", "10", "http://127.0.0.1:" + metricsPort + "/metrics")
        .stdout();
  }

  /**
   * The value of one sample, e.g. {@code kvswitch_port_drops_total{port="p1",reason="runt"}}.
   *
   * @throws IllegalStateException when the endpoint does not export it
   */
  public long metric(String sample) {
    String text = metrics();
    for (String line : text.lines().toList()) {
      if (line.startsWith(sample + " ")) {
        return Long.parseLong(line.substring(sample.length() + 1).strip());
      }
    }
    throw new IllegalStateException("no sample " + sample + " in:\n" + text);
  }

  /** Ends the process by its pid (SIGTERM) and waits for it; the lab would do it on close too. */
  public int stop() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the dataplane", e);
    }
    return process.exitValue();
  }
}
