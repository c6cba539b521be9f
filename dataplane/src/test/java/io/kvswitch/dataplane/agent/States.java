package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.WorkloadKind;

/** Builds node states for tests. */
final class States {

  private States() {}

  static SwitchNodeStateSpec spec(String switchName, String node) {
    SwitchNodeStateSpec spec = new SwitchNodeStateSpec();
    spec.setSwitchName(switchName);
    spec.setNodeName(node);
    spec.setMtu(1500);
    return spec;
  }

  static SwitchNodePort port(String name, int vlan, String mac) {
    SwitchNodePort port = new SwitchNodePort();
    port.setName(name);
    port.setWorkloadKind(WorkloadKind.Pod);
    port.setWorkloadName(name.substring(name.indexOf('/') + 1));
    port.setInterfaceName("net1");
    port.setMac(mac);
    port.setVlanId(vlan);
    port.setState(PortState.Active);
    return port;
  }

  static SwitchNodeVlan vlan(int id, String network) {
    SwitchNodeVlan vlan = new SwitchNodeVlan();
    vlan.setVlanId(id);
    vlan.setNetwork(network);
    vlan.setSubnet("10.0." + id + ".0/24");
    return vlan;
  }

  static RemoteMac remoteMac(int vlan, String mac, String node) {
    RemoteMac remote = new RemoteMac();
    remote.setVlanId(vlan);
    remote.setMac(mac);
    remote.setNode(node);
    remote.setUnderlayIp("192.0.2.9");
    return remote;
  }

  static SwitchNodeMirror mirror(String session) {
    SwitchNodeMirror mirror = new SwitchNodeMirror();
    mirror.setSession(session);
    mirror.setSnapLength(128);
    return mirror;
  }
}
