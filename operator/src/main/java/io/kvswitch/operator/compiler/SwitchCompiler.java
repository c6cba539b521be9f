package io.kvswitch.operator.compiler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.OverlaySpec;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeRule;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.TunnelPeer;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VirtualSwitchSpec;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The compiler: from switches, networks, mirror sessions, nodes and attached ports to the complete
 * state each (switch, node) needs. A pure function: no I/O, no clock, no randomness, and every list
 * it emits is sorted, so the same input gives an equal result and unchanged state is never
 * rewritten.
 *
 * <p>A node gets the VLANs it has ports in, each with its DHCP service, compiled policy and tunnel
 * peers, and the remote MACs of those VLANs: what it needs to forward for its own ports, so that
 * its state grows with its ports and not with the cluster. (Giving every node every VLAN would put
 * a switch with a thousand or so networks over the API server's object size limit.) A port plugged
 * in before the next compile has no VLAN on its node yet, so the agent forwards nothing for it
 * until then: fail-closed.
 */
public final class SwitchCompiler {

  private SwitchCompiler() {}

  /** Compiles the state of every switch. */
  public static Compilation compile(CompilerInput input) {
    return compile(input, null);
  }

  /**
   * Compiles the state of one switch only. Networks, ports and mirror sessions are still placed
   * cluster-wide, so conflicts and mirror destinations come out exactly as in a full compile.
   *
   * @param onlySwitch the switch whose node states to produce; null for all
   */
  public static Compilation compile(CompilerInput input, String onlySwitch) {
    VlanAssignment assignment = VlanAssignment.of(input.switches(), input.networks());
    Map<String, String> underlayIps = underlayIps(input.nodes());
    Map<String, List<String>> nodesBySwitch = nodesBySwitch(input.switches(), input.nodes());

    Map<ObjectKey, VlanNetwork> placedNetworks = new HashMap<>();
    assignment
        .placed()
        .values()
        .forEach(list -> list.forEach(n -> placedNetworks.put(ObjectKey.of(n), n)));

    List<PlacedPort> ports = placePorts(input.ports(), placedNetworks, nodesBySwitch);
    Map<ObjectKey, List<PlacedPort>> portsByNetwork = new HashMap<>();
    Map<String, List<PlacedPort>> portsByNamespace = new HashMap<>();
    Map<SwitchNodeKey, List<PlacedPort>> portsByNode = new HashMap<>();
    for (PlacedPort port : ports) {
      portsByNetwork.computeIfAbsent(port.networkKey(), k -> new ArrayList<>()).add(port);
      portsByNamespace.computeIfAbsent(port.namespace(), k -> new ArrayList<>()).add(port);
      portsByNode
          .computeIfAbsent(
              new SwitchNodeKey(port.switchName(), port.node()), k -> new ArrayList<>())
          .add(port);
    }

    MirrorCompiler.Result mirrors =
        MirrorCompiler.compile(input.sessions(), portsByNetwork, portsByNamespace, underlayIps);

    SortedMap<SwitchNodeKey, SwitchNodeStateSpec> states = new TreeMap<>();
    for (VirtualSwitch vsw : input.switches()) {
      String switchName = vsw.getMetadata().getName();
      if (onlySwitch != null && !onlySwitch.equals(switchName)) {
        continue;
      }
      List<VlanNetwork> networks = assignment.networksOn(switchName);
      Map<Integer, VlanPlan> plans = new HashMap<>();
      for (VlanNetwork network : networks) {
        List<PlacedPort> onNetwork = portsByNetwork.getOrDefault(ObjectKey.of(network), List.of());
        plans.put(network.getSpec().getVlanId(), VlanPlan.of(vsw, network, onNetwork, underlayIps));
      }
      for (String node : nodesBySwitch.get(switchName)) {
        SwitchNodeKey key = new SwitchNodeKey(switchName, node);
        List<PlacedPort> local = portsByNode.getOrDefault(key, List.of());
        states.put(
            key,
            nodeState(
                vsw,
                node,
                underlayIps.get(node),
                plans,
                local,
                mirrors.byNode().getOrDefault(key, List.of())));
      }
    }
    return new Compilation(
        Collections.unmodifiableSortedMap(states), assignment, mirrors.placements());
  }

  /**
   * Places mirror sessions only, without producing node states: what a MirrorSession's status
   * needs, at the cost of placing ports rather than compiling every node.
   */
  public static Map<ObjectKey, MirrorPlacement> placeMirrors(CompilerInput input) {
    VlanAssignment assignment = VlanAssignment.of(input.switches(), input.networks());
    Map<ObjectKey, VlanNetwork> placedNetworks = new HashMap<>();
    assignment
        .placed()
        .values()
        .forEach(list -> list.forEach(n -> placedNetworks.put(ObjectKey.of(n), n)));
    List<PlacedPort> ports =
        placePorts(input.ports(), placedNetworks, nodesBySwitch(input.switches(), input.nodes()));
    Map<ObjectKey, List<PlacedPort>> portsByNetwork = new HashMap<>();
    Map<String, List<PlacedPort>> portsByNamespace = new HashMap<>();
    for (PlacedPort port : ports) {
      portsByNetwork.computeIfAbsent(port.networkKey(), k -> new ArrayList<>()).add(port);
      portsByNamespace.computeIfAbsent(port.namespace(), k -> new ArrayList<>()).add(port);
    }
    return MirrorCompiler.compile(
            input.sessions(), portsByNetwork, portsByNamespace, underlayIps(input.nodes()))
        .placements();
  }

  private static SwitchNodeStateSpec nodeState(
      VirtualSwitch vsw,
      String node,
      String underlayIp,
      Map<Integer, VlanPlan> plans,
      List<PlacedPort> local,
      List<SwitchNodeMirror> mirrors) {
    VirtualSwitchSpec spec = vsw.getSpec();
    SwitchNodeStateSpec state = new SwitchNodeStateSpec();
    state.setSwitchName(vsw.getMetadata().getName());
    state.setNodeName(node);
    state.setSwitchGeneration(vsw.getMetadata().getGeneration());
    state.setUnderlayIp(underlayIp);
    state.setMtu(spec.getMtu());
    state.setOverlay(spec.getOverlay());
    state.setUplinks(spec.getUplinks() == null ? List.of() : spec.getUplinks());
    state.setMacLearning(spec.getMacLearning());
    state.setStormControl(spec.getStormControl());

    // Ports were placed in name order, so every per-node list is already sorted.
    List<SwitchNodePort> ports = new ArrayList<>(local.size());
    SortedSet<Integer> localVlans = new TreeSet<>();
    for (PlacedPort port : local) {
      ports.add(plans.get(port.vlanId()).ports().get(port.key()));
      localVlans.add(port.vlanId());
    }
    state.setPorts(List.copyOf(ports));

    List<SwitchNodeVlan> vlans = new ArrayList<>(localVlans.size());
    List<RemoteMac> remoteMacs = new ArrayList<>();
    for (int vlanId : localVlans) {
      VlanPlan plan = plans.get(vlanId);
      vlans.add(plan.withPeersFor(node));
      for (RemoteMac mac : plan.activeMacs()) {
        if (!mac.getNode().equals(node)) {
          remoteMacs.add(mac);
        }
      }
    }
    state.setVlans(List.copyOf(vlans));
    // activeMacs are sorted by MAC within a VLAN and VLANs are visited ascending.
    state.setRemoteMacs(List.copyOf(remoteMacs));
    state.setMirrors(mirrors);
    return state;
  }

  private static List<PlacedPort> placePorts(
      List<SwitchPort> ports,
      Map<ObjectKey, VlanNetwork> placedNetworks,
      Map<String, List<String>> nodesBySwitch) {
    Map<String, Set<String>> nodeSets = new HashMap<>();
    nodesBySwitch.forEach((s, nodes) -> nodeSets.put(s, new HashSet<>(nodes)));
    List<SwitchPort> ordered = new ArrayList<>(ports);
    ordered.sort(Comparator.comparing(ObjectKey::of));
    List<PlacedPort> placed = new ArrayList<>(ports.size());
    for (SwitchPort port : ordered) {
      if (port.getSpec() == null || port.getSpec().getNetwork() == null) {
        continue;
      }
      String namespace =
          port.getSpec().getNetworkNamespace() != null
              ? port.getSpec().getNetworkNamespace()
              : port.getMetadata().getNamespace();
      ObjectKey networkKey = new ObjectKey(namespace, port.getSpec().getNetwork());
      VlanNetwork network = placedNetworks.get(networkKey);
      if (network == null) {
        // Its network is in conflict, on a missing switch, or gone: nothing to program.
        continue;
      }
      String switchName = network.getSpec().getSwitchName();
      if (!nodeSets.get(switchName).contains(port.getSpec().getNode())) {
        continue;
      }
      placed.add(
          new PlacedPort(
              ObjectKey.of(port),
              port,
              networkKey,
              network,
              switchName,
              port.getSpec().getNode(),
              network.getSpec().getVlanId()));
    }
    return placed;
  }

  private static Map<String, List<String>> nodesBySwitch(
      List<VirtualSwitch> switches, List<Node> nodes) {
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
    Map<String, List<String>> bySwitch = new HashMap<>();
    for (VirtualSwitch vsw : switches) {
      List<String> names = new ArrayList<>();
      for (Node node : sorted) {
        if (LabelSelectors.matches(
            vsw.getSpec() == null ? null : vsw.getSpec().getNodeSelector(),
            node.getMetadata().getLabels())) {
          names.add(node.getMetadata().getName());
        }
      }
      bySwitch.put(vsw.getMetadata().getName(), List.copyOf(names));
    }
    return bySwitch;
  }

  /** Each node's tunnel endpoint: its first InternalIP. */
  static Map<String, String> underlayIps(List<Node> nodes) {
    Map<String, String> ips = new HashMap<>();
    for (Node node : nodes) {
      if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
        continue;
      }
      for (NodeAddress address : node.getStatus().getAddresses()) {
        if ("InternalIP".equals(address.getType()) && address.getAddress().indexOf(':') < 0) {
          ips.put(node.getMetadata().getName(), address.getAddress());
          break;
        }
      }
    }
    return ips;
  }

  /** One VLAN of one switch, worked out once and shared by the states of the nodes carrying it. */
  private record VlanPlan(
      SwitchNodeVlan base,
      Map<ObjectKey, SwitchNodePort> ports,
      List<TunnelPeer> peers,
      List<RemoteMac> activeMacs) {

    static VlanPlan of(
        VirtualSwitch vsw,
        VlanNetwork network,
        List<PlacedPort> onNetwork,
        Map<String, String> underlayIps) {
      SwitchNodeVlan base = new SwitchNodeVlan();
      int vlanId = network.getSpec().getVlanId();
      base.setVlanId(vlanId);
      OverlaySpec overlay = vsw.getSpec().getOverlay();
      base.setVni((overlay == null ? new OverlaySpec() : overlay).getVniBase() + vlanId);
      base.setNetwork(ObjectKey.of(network).toString());
      base.setNetworkGeneration(network.getMetadata().getGeneration());
      base.setSubnet(network.getSpec().getSubnet());
      base.setGateway(network.getSpec().getGateway());
      base.setExcludeIps(sorted(network.getSpec().getExcludeIps()));
      base.setDhcp(dhcp(network.getSpec().getDhcp(), vsw.getSpec().getMtu()));
      base.setIsolation(network.getSpec().getIsolation());
      base.setDefaultAction(network.getSpec().getDefaultAction());
      List<SwitchNodeRule> rules = PolicyCompiler.compile(network, onNetwork);
      base.setRules(rules);

      Map<ObjectKey, SwitchNodePort> ports = new HashMap<>();
      Map<String, TunnelPeer> peers = new TreeMap<>();
      Map<String, RemoteMac> macs = new TreeMap<>();
      for (PlacedPort port : onNetwork) {
        ports.put(port.key(), nodePort(port));
        if (port.port().getSpec().getState() != PortState.Down) {
          peers.computeIfAbsent(port.node(), n -> tunnelPeer(n, underlayIps.get(n)));
        }
        if (port.port().getSpec().getState() == PortState.Active && port.mac() != null) {
          RemoteMac mac = new RemoteMac();
          mac.setVlanId(vlanId);
          mac.setMac(port.mac().toLowerCase(Locale.ROOT));
          mac.setNode(port.node());
          mac.setUnderlayIp(underlayIps.get(port.node()));
          // One MAC in one VLAN has one place; if two ports claim it, the first by name wins so
          // the answer does not depend on the order the informer listed them in.
          macs.merge(mac.getMac(), mac, (a, b) -> a);
        }
      }
      return new VlanPlan(base, ports, List.copyOf(peers.values()), List.copyOf(macs.values()));
    }

    SwitchNodeVlan withPeersFor(String node) {
      SwitchNodeVlan copy = new SwitchNodeVlan();
      copy.setVlanId(base.getVlanId());
      copy.setVni(base.getVni());
      copy.setNetwork(base.getNetwork());
      copy.setNetworkGeneration(base.getNetworkGeneration());
      copy.setSubnet(base.getSubnet());
      copy.setGateway(base.getGateway());
      copy.setExcludeIps(base.getExcludeIps());
      copy.setDhcp(base.getDhcp());
      copy.setIsolation(base.getIsolation());
      copy.setDefaultAction(base.getDefaultAction());
      copy.setRules(base.getRules());
      copy.setTunnelPeers(peers.stream().filter(p -> !p.getNode().equals(node)).toList());
      return copy;
    }
  }

  private static SwitchNodePort nodePort(PlacedPort placed) {
    SwitchNodePort port = new SwitchNodePort();
    port.setName(placed.key().toString());
    port.setWorkloadKind(placed.port().getSpec().getWorkloadKind());
    port.setWorkloadName(placed.port().getSpec().getWorkloadName());
    port.setInterfaceName(placed.port().getSpec().getInterfaceName());
    port.setMac(placed.mac() == null ? null : placed.mac().toLowerCase(Locale.ROOT));
    port.setIp(placed.ip());
    port.setVlanId(placed.vlanId());
    port.setNetwork(placed.networkKey().toString());
    port.setState(placed.port().getSpec().getState());
    port.setPortSecurity(placed.network().getSpec().getPortSecurity());
    return port;
  }

  private static TunnelPeer tunnelPeer(String node, String underlayIp) {
    TunnelPeer peer = new TunnelPeer();
    peer.setNode(node);
    peer.setUnderlayIp(underlayIp);
    return peer;
  }

  private static DhcpSpec dhcp(DhcpSpec source, Integer switchMtu) {
    if (source == null) {
      return null;
    }
    DhcpSpec dhcp = new DhcpSpec();
    dhcp.setEnabled(source.getEnabled());
    dhcp.setRangeStart(source.getRangeStart());
    dhcp.setRangeEnd(source.getRangeEnd());
    dhcp.setLeaseSeconds(source.getLeaseSeconds());
    dhcp.setDnsServers(source.getDnsServers());
    dhcp.setDomain(source.getDomain());
    dhcp.setRoutes(source.getRoutes());
    dhcp.setMtu(source.getMtu() != null ? source.getMtu() : switchMtu);
    dhcp.setReservations(source.getReservations());
    return dhcp;
  }

  private static List<String> sorted(List<String> values) {
    return values == null ? List.of() : values.stream().sorted().toList();
  }
}
