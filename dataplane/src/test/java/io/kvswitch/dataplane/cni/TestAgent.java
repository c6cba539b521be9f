package io.kvswitch.dataplane.cni;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.dataplane.agent.BridgeSwitchEngine;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.port.linux.AfPacketOptions;
import io.kvswitch.dataplane.port.linux.AfPacketPort;
import io.kvswitch.dataplane.testing.ProjectCrds;
import java.nio.file.Path;

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
                taps, name -> AfPacketPort.open(name, AfPacketOptions.podPort()), true));
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
    ProjectCrds.register(client);
  }

  @Override
  public void close() {
    stopServer();
    bridge.close();
  }
}
