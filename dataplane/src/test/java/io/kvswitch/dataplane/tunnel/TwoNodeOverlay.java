package io.kvswitch.dataplane.tunnel;

import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.testing.CommandResult;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Two "nodes" (namespaces) joined by a veth underlay (198.18.0.1 and 198.18.0.2, the benchmarking
 * range), each running the dataplane as its own process from a generated YAML, and on each node one
 * "pod" namespace in VLAN 10 and one in VLAN 20. All four pods share one subnet, 10.0.0.0/24, so
 * only VLAN isolation keeps 10 and 20 apart.
 */
final class TwoNodeOverlay {

  static final String UNDERLAY_A = "198.18.0.1";
  static final String UNDERLAY_B = "198.18.0.2";
  static final int METRICS_PORT = 9750;

  final NetworkLab lab;
  final NetNamespace nodeA;
  final NetNamespace nodeB;
  final String underlayA;
  final String underlayB;
  final Pod a10;
  final Pod a20;
  final Pod b10;
  final Pod b20;

  record Pod(NetNamespace namespace, String device, String podDevice, String mac, String address) {}

  TwoNodeOverlay(NetworkLab lab, Path workDir, int podMtu) {
    this.lab = lab;
    nodeA = lab.namespace("na");
    nodeB = lab.namespace("nb");
    var underlay = lab.vethBetween(nodeA, "ua", nodeB, "ub");
    underlayA = underlay.hostName();
    underlayB = underlay.peerName();
    nodeA.execOk("ip", "addr", "add", UNDERLAY_A + "/24", "dev", underlayA);
    nodeB.execOk("ip", "addr", "add", UNDERLAY_B + "/24", "dev", underlayB);
    a10 = pod(nodeA, "a10", "02:00:00:0a:10:01", "10.0.0.1", podMtu);
    a20 = pod(nodeA, "a20", "02:00:00:0a:20:01", "10.0.0.3", podMtu);
    b10 = pod(nodeB, "b10", "02:00:00:0b:10:01", "10.0.0.2", podMtu);
    b20 = pod(nodeB, "b20", "02:00:00:0b:20:01", "10.0.0.4", podMtu);
    start(nodeA, workDir, UNDERLAY_A, "node-b", UNDERLAY_B, a10, a20);
    start(nodeB, workDir, UNDERLAY_B, "node-a", UNDERLAY_A, b10, b20);
  }

  /**
   * A pod namespace plugged into {@code node} by a veth: the switch end is {@code sw<suffix>} on
   * the node, the pod end is {@code p<suffix>} with no IPv6 and the kernel's offloads left on, as a
   * CNI leaves them: the pod sends 64 KiB TCP GSO frames with unfinished checksums, which the
   * switch port reads with their offload headers and the tunnel cuts into segments.
   */
  private Pod pod(NetNamespace node, String suffix, String mac, String address, int mtu) {
    NetNamespace pod = lab.namespace(suffix);
    pod.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    pod.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    node.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    node.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    var veth = lab.vethBetween(node, "s" + suffix, pod, "p" + suffix);
    pod.execOk("ip", "link", "set", veth.peerName(), "address", mac);
    pod.execOk("ip", "link", "set", veth.peerName(), "mtu", String.valueOf(mtu));
    pod.execOk("ip", "addr", "add", address + "/24", "dev", veth.peerName());
    return new Pod(pod, veth.hostName(), veth.peerName(), mac, address);
  }

  /**
   * Turns IPv6 on for {@code pod}'s interface (off for every pod otherwise, to keep captures free
   * of router solicitations) with {@code address}/64, usable at once (no duplicate address
   * detection), and returns the address.
   */
  static String addIpv6(Pod pod, String address) {
    pod.namespace()
        .execOk("sysctl", "-q", "-w", "net/ipv6/conf/" + pod.podDevice() + "/disable_ipv6=0");
    pod.namespace()
        .execOk("ip", "-6", "addr", "add", address + "/64", "dev", pod.podDevice(), "nodad");
    return address;
  }

  private void start(
      NetNamespace node,
      Path workDir,
      String local,
      String peerName,
      String peerAddress,
      Pod vlan10,
      Pod vlan20) {
    String yaml =
        """
        threads: 1
        ports:
          - {name: %s, type: afpacket, offloads: true, mode: access, vlan: 10}
          - {name: %s, type: afpacket, offloads: true, mode: access, vlan: 20}
        vxlan:
          localAddress: %s
          udpPort: 4789
          vniBase: 10000
          peers:
            - {name: %s, address: %s, vlans: "10,20"}
        metrics: {address: 127.0.0.1, port: %d}
        """
            .formatted(
                vlan10.device(), vlan20.device(), local, peerName, peerAddress, METRICS_PORT);
    Path config = workDir.resolve(node.name() + ".yaml");
    Path log = workDir.resolve(node.name() + ".log");
    try {
      Files.writeString(config, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        lab.start(
            node.processBuilder(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.kvswitch.dataplane.StandaloneMain",
                    config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "dataplane on " + node + " exited: " + Files.readString(log));
              }
              return metrics(node).contains("kvswitch_vxlan_rx_drops_total");
            });
  }

  /** The node's /metrics text, or "" while it is not serving yet. */
  static String metrics(NetNamespace node) {
    CommandResult result =
        node.exec(
            Duration.ofSeconds(10), "curl", "-sf", "http://127.0.0.1:" + METRICS_PORT + "/metrics");
    return result.succeeded() ? result.stdout() : "";
  }

  /** The value of one sample line, e.g. {@code kvswitch_port_mac_entries{port="vxlan:node-b"}}. */
  static long sample(NetNamespace node, String series) {
    for (String line : metrics(node).split("\n")) {
      if (line.startsWith(series + " ")) {
        return Long.parseLong(line.substring(series.length() + 1).strip());
      }
    }
    throw new AssertionError("no sample " + series + " on " + node);
  }
}
