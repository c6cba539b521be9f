package io.kvswitch.dataplane.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.metrics.MetricsServer;
import io.kvswitch.dataplane.metrics.PrometheusText;
import io.kvswitch.dataplane.port.linux.AfPacketOptions;
import io.kvswitch.dataplane.port.linux.AfPacketPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The agent's engine path as its own process, for tests that run one per node namespace: the same
 * bridge, {@link BridgeSwitchEngine} (pods' host interfaces through AF_PACKET, as {@link AgentMain}
 * opens them) and {@link StateApplier} as the agent, fed from a state file instead of the API
 * server. The file is the agent's local copy format ({@link LocalStateFile}); each new generation
 * in it is applied as a difference, and the outcome written next to it as {@code <file>.applied}
 * ({@code {"generation":N,"failures":[...]}}). Metrics, the tunnel's included, are served on the
 * given port.
 *
 * <p>Usage: {@code StateFileAgent <state.json> <metricsPort>}.
 */
public final class StateFileAgent {

  private static final ObjectMapper JSON = new ObjectMapper();

  private StateFileAgent() {}

  public static void main(String[] args) throws Exception {
    Path stateFile = Path.of(args[0]);
    int metricsPort = Integer.parseInt(args[1]);
    LocalStateFile state = new LocalStateFile(stateFile);
    Bridge bridge = Bridge.builder().threads(1).build();
    bridge.start();
    BridgeSwitchEngine engine =
        new BridgeSwitchEngine(bridge, name -> AfPacketPort.open(name, AfPacketOptions.defaults()));
    StateApplier applier = new StateApplier(engine);
    MetricsServer metrics =
        MetricsServer.start(
            "127.0.0.1",
            metricsPort,
            () -> PrometheusText.render(bridge, engine.overlay().tunnel()));
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      metrics.close();
                      engine.overlay().close();
                      bridge.close();
                    }));
    System.out.println("state file agent started on " + stateFile);
    long applied = -1;
    boolean failed = false;
    long retryAt = 0;
    // Woken by every change in the file's folder (the tests replace the file atomically), and at
    // least every second for the retries.
    WatchService changes = stateFile.getFileSystem().newWatchService();
    stateFile
        .toAbsolutePath()
        .getParent()
        .register(
            changes, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    while (true) {
      Optional<LocalStateFile.Saved> saved = state.read();
      boolean retry = failed && System.nanoTime() - retryAt > 0;
      if (saved.isPresent() && (saved.get().generation() != applied || retry)) {
        // Like the agent, refused steps are tried again (here every second) until they pass.
        applied = saved.get().generation();
        ApplyResult result = applier.apply(DesiredState.of(applied, saved.get().spec()));
        List<String> failures =
            result.failures().stream()
                .map(f -> f.change().describe() + ": " + f.message())
                .toList();
        System.out.println("generation " + applied + " applied, failures: " + failures);
        writeResult(stateFile, applied, failures);
        failed = !failures.isEmpty();
        retryAt = System.nanoTime() + 1_000_000_000L;
      }
      WatchKey key = changes.poll(1, TimeUnit.SECONDS);
      if (key != null) {
        key.pollEvents();
        key.reset();
      }
    }
  }

  private static void writeResult(Path stateFile, long generation, List<String> failures)
      throws IOException {
    Path result = stateFile.resolveSibling(stateFile.getFileName() + ".applied");
    Path temporary = stateFile.resolveSibling(stateFile.getFileName() + ".applied.tmp");
    JSON.writeValue(temporary.toFile(), Map.of("generation", generation, "failures", failures));
    Files.move(
        temporary, result, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
