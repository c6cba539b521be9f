package io.kvswitch.operator.compiler;

import io.fabric8.kubernetes.api.model.Node;
import io.kvswitch.api.v1alpha1.MirrorSession;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import java.util.List;

/**
 * Everything the compiler reads, as the informers hold it. The order of each list does not matter:
 * the compiler sorts what it emits.
 */
public record CompilerInput(
    List<VirtualSwitch> switches,
    List<VlanNetwork> networks,
    List<MirrorSession> sessions,
    List<Node> nodes,
    List<SwitchPort> ports) {

  public CompilerInput {
    switches = List.copyOf(switches);
    networks = List.copyOf(networks);
    sessions = List.copyOf(sessions);
    nodes = List.copyOf(nodes);
    ports = List.copyOf(ports);
  }
}
