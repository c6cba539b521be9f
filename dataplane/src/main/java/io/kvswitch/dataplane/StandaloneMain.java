package io.kvswitch.dataplane;

import io.kvswitch.dataplane.config.ConfigException;
import io.kvswitch.dataplane.config.ConfigLoader;
import io.kvswitch.dataplane.config.PortFactories;
import io.kvswitch.dataplane.config.StandaloneConfig;
import io.kvswitch.dataplane.config.StandaloneDataplane;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the dataplane from a local YAML or JSON file, without Kubernetes: {@code StandaloneMain
 * CONFIG}. Exits with 2 on a bad config (every problem printed with its field), 1 when a port
 * cannot be opened.
 */
public final class StandaloneMain {

  private StandaloneMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1 || args[0].startsWith("-")) {
      System.err.println("usage: kvswitch-dataplane CONFIG.yaml|CONFIG.json");
      System.exit(2);
    }
    StandaloneConfig config;
    try {
      config = ConfigLoader.load(Path.of(args[0]));
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (IOException e) {
      System.err.println("cannot read " + args[0] + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    StandaloneDataplane dataplane;
    try {
      dataplane = StandaloneDataplane.create(config, PortFactories.discover(), System::nanoTime);
    } catch (IOException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dataplane.close();
                  stopped.countDown();
                },
                "kvswitch-shutdown"));
    dataplane.start();
    System.out.printf(
        "kvswitch dataplane forwarding: %d ports, %d threads, metrics %s%n",
        dataplane.bridge().portCount(),
        dataplane.bridge().threadCount(),
        dataplane.metricsPort() < 0 ? "off" : "on port " + dataplane.metricsPort());
    stopped.await();
  }
}
