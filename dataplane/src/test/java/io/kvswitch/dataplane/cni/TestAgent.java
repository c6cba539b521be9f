package io.kvswitch.dataplane.cni;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.dataplane.agent.BridgeSwitchEngine;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.port.linux.AfPacketOptions;
import io.kvswitch.dataplane.port.linux.AfPacketPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The CNI side of an agent for switch "fabric" on node "node-a": a running bridge with AF_PACKET
 * host ends, the real interface handling, and the socket server in {@code directory}; SwitchPorts
 * go to {@code client}.
 */
final class TestAgent implements AutoCloseable {

  private final Bridge bridge;
  private final Path socket;
  private final VmTaps taps;
  private final BridgeSwitchEngine engine;
  private CniServer server;

  TestAgent(KubernetesClient client, Path directory) {
    registerCrds(client);
    bridge = Bridge.builder().threads(1).build();
    bridge.start();
    socket = directory.resolve("cni-fabric.sock");
    taps = VmTaps.besideSocket(socket, "fabric");
    engine =
        new BridgeSwitchEngine(
            bridge,
            new WorkloadPortOpener(
                taps, name -> AfPacketPort.open(name, AfPacketOptions.lowLatency()), true));
    server =
        CniServer.start(
            socket,
            new CniHandler(
                "node-a",
                "fabric",
                new NetlinkPodInterfaces(),
                taps,
                engine,
                new KubernetesSwitchPortRecords(client)));
  }

  Bridge bridge() {
    return bridge;
  }

  BridgeSwitchEngine engine() {
    return engine;
  }

  VmTaps taps() {
    return taps;
  }

  Path socket() {
    return socket;
  }

  /** The agent's socket goes away, as when the agent is not running. */
  void stopServer() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private static void registerCrds(KubernetesClient client) {
    try (Stream<Path> files = Files.list(Path.of("../crds/manifests"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          // A second agent on the same server (a restart) finds them there.
          if (client
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName(crd.getMetadata().getName())
                  .get()
              == null) {
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stopServer();
    bridge.close();
  }
}
