package io.kvswitch.dataplane.standalone;

import io.kvswitch.dataplane.testing.DataplaneProcess;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.Veth;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A "switch" namespace running the dataplane process, and "pod" namespaces, each on a veth whose
 * switch end is an access port ({@code afpacket}) of one VLAN. IPv6 is off everywhere, so the only
 * frames on the wires are the ones a test sends.
 */
final class SwitchedPods {

  /** One pod: its namespace, its interface, addresses, and the switch port it is plugged into. */
  record Pod(
      String name,
      NetNamespace namespace,
      String device,
      String mac,
      String ip,
      int vlan,
      Veth veth) {

    /** The switch port's name in the config and in metrics. */
    String port() {
      return "s-" + name;
    }
  }

  private final NetworkLab lab;
  private final NetNamespace switchNamespace;
  private final List<Pod> pods = new ArrayList<>();
  private final StringBuilder extraPorts = new StringBuilder();
  private final StringBuilder bonds = new StringBuilder();
  private DataplaneProcess dataplane;

  SwitchedPods(NetworkLab lab) {
    this.lab = lab;
    this.switchNamespace = lab.namespace("sw");
    withoutIpv6(switchNamespace);
  }

  static void withoutIpv6(NetNamespace namespace) {
    namespace.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    namespace.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
  }

  NetNamespace switchNamespace() {
    return switchNamespace;
  }

  /** A pod {@code name} in VLAN {@code vlan} with {@code ip/24}; its MAC is 02:4b:00:00:vlan:n. */
  Pod pod(String name, int vlan, String ip) {
    NetNamespace namespace = lab.namespace(name);
    withoutIpv6(namespace);
    Veth veth = lab.vethBetween(switchNamespace, "s" + name, namespace, name);
    String mac = String.format("02:4b:00:00:%02x:%02x", vlan & 0xff, pods.size() + 1);
    namespace.execOk("ip", "link", "set", veth.peerName(), "address", mac);
    namespace.execOk("ip", "addr", "add", ip + "/24", "dev", veth.peerName());
    Pod pod = new Pod(name, namespace, veth.peerName(), mac, ip, vlan, veth);
    pods.add(pod);
    return pod;
  }

  List<Pod> pods() {
    return List.copyOf(pods);
  }

  /** Adds config text for more ports (YAML list items, indented by two spaces). */
  void addPortYaml(String yaml) {
    extraPorts.append(yaml);
  }

  /** Adds config text for bonds (YAML list items, indented by two spaces). */
  void addBondYaml(String yaml) {
    bonds.append(yaml);
  }

  String config() {
    StringBuilder yaml = new StringBuilder();
    yaml.append("threads: 2\n");
    yaml.append("metrics: {address: 127.0.0.1, port: 0}\n");
    yaml.append("ports:\n");
    for (Pod pod : pods) {
      yaml.append("  - {name: ")
          .append(pod.port())
          .append(", type: afpacket, device: ")
          .append(pod.veth().hostName())
          .append(", mode: access, vlan: ")
          .append(pod.vlan())
          .append("}\n");
    }
    yaml.append(extraPorts);
    if (!bonds.isEmpty()) {
      yaml.append("bonds:\n").append(bonds);
    }
    return yaml.toString();
  }

  /** Starts the dataplane process on {@link #config()}. */
  DataplaneProcess start(Path workDir) {
    dataplane = DataplaneProcess.start(lab, switchNamespace, config(), workDir);
    return dataplane;
  }
}
