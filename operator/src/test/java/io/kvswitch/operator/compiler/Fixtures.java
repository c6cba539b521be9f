package io.kvswitch.operator.compiler;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.MirrorDestination;
import io.kvswitch.api.v1alpha1.MirrorDirection;
import io.kvswitch.api.v1alpha1.MirrorSession;
import io.kvswitch.api.v1alpha1.MirrorSessionSpec;
import io.kvswitch.api.v1alpha1.MirrorSource;
import io.kvswitch.api.v1alpha1.PodDestination;
import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.SwitchPortSpec;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VirtualSwitchSpec;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import io.kvswitch.api.v1alpha1.WorkloadKind;
import java.util.List;
import java.util.Map;

/** Small builders for compiler input, shaped as the informers deliver objects. */
public final class Fixtures {

  private Fixtures() {}

  public static VirtualSwitch vswitch(String name) {
    VirtualSwitch vsw = new VirtualSwitch();
    vsw.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(1L).build());
    vsw.setSpec(new VirtualSwitchSpec());
    return vsw;
  }

  public static VirtualSwitch vswitch(String name, Map<String, String> nodeLabels) {
    VirtualSwitch vsw = vswitch(name);
    vsw.getSpec().setNodeSelector(new LabelSelectorBuilder().withMatchLabels(nodeLabels).build());
    return vsw;
  }

  public static VlanNetwork network(
      String namespace, String name, String switchName, int vlanId, String created) {
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSwitchName(switchName);
    spec.setVlanId(vlanId);
    spec.setSubnet("10." + (vlanId % 250) + ".0.0/24");
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withGeneration(1L)
            .withCreationTimestamp(created)
            .build());
    network.setSpec(spec);
    return network;
  }

  public static Node node(String name, String internalIp, Map<String, String> labels) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewStatus()
        .addNewAddress()
        .withType("Hostname")
        .withAddress(name)
        .endAddress()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(internalIp)
        .endAddress()
        .endStatus()
        .build();
  }

  public static Node node(String name, String internalIp) {
    return node(name, internalIp, Map.of());
  }

  public static SwitchPort port(
      String namespace,
      String workload,
      String network,
      String node,
      String mac,
      String ip,
      PortState state,
      Map<String, String> labels) {
    SwitchPortSpec spec = new SwitchPortSpec();
    spec.setWorkloadKind(WorkloadKind.Pod);
    spec.setWorkloadName(workload);
    spec.setNode(node);
    spec.setNetwork(network);
    spec.setInterfaceName("net1");
    spec.setMac(mac);
    spec.setIp(ip);
    spec.setState(state);
    SwitchPort port = new SwitchPort();
    port.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(workload + "-net1")
            .withLabels(labels)
            .build());
    port.setSpec(spec);
    return port;
  }

  public static SwitchPort port(
      String namespace, String workload, String network, String node, String mac, String ip) {
    return port(namespace, workload, network, node, mac, ip, PortState.Active, Map.of());
  }

  public static MirrorSession podMirror(
      String namespace,
      String name,
      Map<String, String> sourceLabels,
      MirrorDirection direction,
      String destinationPod,
      String destinationNetwork) {
    MirrorSource source = new MirrorSource();
    source.setPodSelector(new LabelSelectorBuilder().withMatchLabels(sourceLabels).build());
    source.setDirection(direction);
    PodDestination pod = new PodDestination();
    pod.setName(destinationPod);
    pod.setNetwork(destinationNetwork);
    MirrorDestination destination = new MirrorDestination();
    destination.setPod(pod);
    MirrorSessionSpec spec = new MirrorSessionSpec();
    spec.setSources(new java.util.ArrayList<>(List.of(source)));
    spec.setDestination(destination);
    MirrorSession session = new MirrorSession();
    session.setMetadata(
        new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(1L).build());
    session.setSpec(spec);
    return session;
  }
}
