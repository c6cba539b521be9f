package io.kvswitch.operator.compiler;

import io.kvswitch.api.v1alpha1.MirrorDirection;
import io.kvswitch.api.v1alpha1.MirrorPortSource;
import io.kvswitch.api.v1alpha1.MirrorPortTarget;
import io.kvswitch.api.v1alpha1.MirrorSession;
import io.kvswitch.api.v1alpha1.MirrorSessionSpec;
import io.kvswitch.api.v1alpha1.MirrorSource;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodeMirrorDestination;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Places mirror sessions: which local ports each node taps, per switch, and where the copies go. A
 * session whose destination pod has no port yet is programmed nowhere, so no node mirrors into the
 * void.
 */
final class MirrorCompiler {

  /** Per (switch, node), the sessions it runs ascending by session; and a summary per session. */
  record Result(
      Map<SwitchNodeKey, List<SwitchNodeMirror>> byNode,
      Map<ObjectKey, MirrorPlacement> placements) {}

  private MirrorCompiler() {}

  static Result compile(
      List<MirrorSession> sessions,
      Map<ObjectKey, List<PlacedPort>> portsByNetwork,
      Map<String, List<PlacedPort>> portsByNamespace,
      Map<String, String> underlayIps) {
    Map<SwitchNodeKey, List<SwitchNodeMirror>> byNode = new TreeMap<>();
    Map<ObjectKey, MirrorPlacement> placements = new TreeMap<>();
    List<MirrorSession> ordered = new ArrayList<>(sessions);
    ordered.sort((a, b) -> ObjectKey.of(a).compareTo(ObjectKey.of(b)));
    for (MirrorSession session : ordered) {
      ObjectKey key = ObjectKey.of(session);
      MirrorSessionSpec spec = session.getSpec();
      if (spec == null || !Boolean.TRUE.equals(spec.getEnabled())) {
        placements.put(key, new MirrorPlacement(0, 0, true));
        continue;
      }
      String namespace = key.namespace();
      Map<ObjectKey, MirrorDirection> directions = new TreeMap<>();
      Map<ObjectKey, PlacedPort> sourcePorts = new HashMap<>();
      for (MirrorSource source : spec.getSources()) {
        for (PlacedPort port : sourcePorts(source, namespace, portsByNetwork, portsByNamespace)) {
          directions.merge(port.key(), source.getDirection(), MirrorCompiler::combine);
          sourcePorts.put(port.key(), port);
        }
      }
      SwitchNodeMirrorDestination destination = new SwitchNodeMirrorDestination();
      if (spec.getDestination().getErspan() != null) {
        destination.setErspan(spec.getDestination().getErspan());
      } else {
        Optional<PlacedPort> target = destinationPort(spec, namespace, portsByNetwork);
        if (target.isEmpty()) {
          placements.put(key, new MirrorPlacement(directions.size(), 0, false));
          continue;
        }
        // Mirroring the destination into itself would loop copies of copies.
        directions.remove(target.get().key());
        destination.setPort(targetOf(target.get(), underlayIps));
      }
      Map<SwitchNodeKey, List<MirrorPortSource>> local = new TreeMap<>();
      directions.forEach(
          (portKey, direction) -> {
            PlacedPort port = sourcePorts.get(portKey);
            MirrorPortSource source = new MirrorPortSource();
            source.setPort(portKey.toString());
            source.setDirection(direction);
            local
                .computeIfAbsent(
                    new SwitchNodeKey(port.switchName(), port.node()), k -> new ArrayList<>())
                .add(source);
          });
      local.forEach(
          (nodeKey, sources) -> {
            SwitchNodeMirror mirror = new SwitchNodeMirror();
            mirror.setSession(key.toString());
            mirror.setSources(List.copyOf(sources));
            mirror.setFilter(spec.getFilter());
            mirror.setSnapLength(spec.getSnapLength());
            mirror.setSamplingRate(spec.getSamplingRate());
            mirror.setDestination(destination);
            byNode.computeIfAbsent(nodeKey, k -> new ArrayList<>()).add(mirror);
          });
      long nodes = local.keySet().stream().map(SwitchNodeKey::nodeName).distinct().count();
      placements.put(key, new MirrorPlacement(directions.size(), (int) nodes, true));
    }
    byNode.replaceAll((k, list) -> List.copyOf(list));
    return new Result(byNode, placements);
  }

  private static List<PlacedPort> sourcePorts(
      MirrorSource source,
      String namespace,
      Map<ObjectKey, List<PlacedPort>> portsByNetwork,
      Map<String, List<PlacedPort>> portsByNamespace) {
    if (source.getNetwork() != null) {
      return portsByNetwork.getOrDefault(new ObjectKey(namespace, source.getNetwork()), List.of());
    }
    return portsByNamespace.getOrDefault(namespace, List.of()).stream()
        .filter(p -> LabelSelectors.matches(source.getPodSelector(), p.labels()))
        .toList();
  }

  private static Optional<PlacedPort> destinationPort(
      MirrorSessionSpec spec, String namespace, Map<ObjectKey, List<PlacedPort>> portsByNetwork) {
    String pod = spec.getDestination().getPod().getName();
    ObjectKey network = new ObjectKey(namespace, spec.getDestination().getPod().getNetwork());
    // During a live migration a workload has two ports; the active one receives the copies.
    return portsByNetwork.getOrDefault(network, List.of()).stream()
        .filter(p -> pod.equals(p.port().getSpec().getWorkloadName()))
        .min(
            (a, b) -> {
              boolean aActive = a.port().getSpec().getState() == PortState.Active;
              boolean bActive = b.port().getSpec().getState() == PortState.Active;
              return aActive == bActive ? a.key().compareTo(b.key()) : aActive ? -1 : 1;
            });
  }

  private static MirrorPortTarget targetOf(PlacedPort port, Map<String, String> underlayIps) {
    MirrorPortTarget target = new MirrorPortTarget();
    target.setPort(port.key().toString());
    target.setNode(port.node());
    target.setUnderlayIp(underlayIps.get(port.node()));
    target.setVlanId(port.vlanId());
    target.setMac(port.mac());
    return target;
  }

  private static MirrorDirection combine(MirrorDirection a, MirrorDirection b) {
    return a == b ? a : MirrorDirection.Both;
  }
}
