package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.UplinkSpec;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.PacketCapture;
import io.kvswitch.dataplane.testing.Traffic;
import io.kvswitch.dataplane.testing.Veth;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An uplink on the agent's engine in a node namespace: one end of a veth plays the node's NIC, the
 * other end sits in a "physical network" namespace, where tcpdump watches the wire. The uplink
 * carries VLAN 10 tagged and VLAN 30 as its native VLAN: a pod on VLAN 10 asking for its router's
 * MAC puts 802.1Q frames of VLAN 10 on the wire, a pod on VLAN 30 pings the physical network's
 * untagged address both ways, and a pod on VLAN 20 (not allowed on the uplink) puts nothing on it.
 * (The kernels this runs on may lack 802.1Q sub-interfaces and VLAN-aware bridges, so nothing
 * answers a tagged frame on the far side.)
 */
@ExtendWith(NetworkLabExtension.class)
class UplinkIT {

  private static final String PHYSICAL = "10.0.30.254";

  @Test
  void aPodsVlanLeavesTheUplinkTaggedTheNativeVlanUntaggedAndAVlanNotAllowedStaysOff(
      NetworkLab lab, @TempDir Path work) {
    NetNamespace node = lab.namespace("un");
    node.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    node.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    NetNamespace physical = lab.namespace("ux");
    physical.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    physical.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    Veth wire = lab.vethBetween(node, "ue", physical, "uw");
    physical.execOk("ip", "addr", "add", PHYSICAL + "/24", "dev", wire.peerName());
    AgentNodes.Pod web = AgentNodes.pod(lab, node, "uw10", "02:00:00:0d:10:01", "10.0.10.1");
    AgentNodes.Pod db = AgentNodes.pod(lab, node, "ud20", "02:00:00:0d:20:01", "10.0.20.1");
    AgentNodes.Pod mgmt = AgentNodes.pod(lab, node, "um30", "02:00:00:0d:30:01", "10.0.30.1");
    AgentNodes.Agent agent = AgentNodes.Agent.start(lab, node, work);

    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(vlan(10, "apps/web"));
    spec.getVlans().add(vlan(20, "apps/db"));
    spec.getVlans().add(vlan(30, "apps/mgmt"));
    spec.getPorts().add(port(web.portName(), 10, web.mac()));
    spec.getPorts().add(port(db.portName(), 20, db.mac()));
    spec.getPorts().add(port(mgmt.portName(), 30, mgmt.mac()));
    UplinkSpec uplink = new UplinkSpec();
    uplink.setName("data");
    uplink.setInterfaces(List.of(wire.hostName()));
    uplink.setAllowedVlans(List.of("10"));
    uplink.setNativeVlan(30);
    spec.getUplinks().add(uplink);
    agent.apply(1, spec);

    PacketCapture onTheWire = lab.capture(physical, wire.peerName(), "");
    Traffic.assertPingSucceeds(mgmt.namespace(), PHYSICAL, 2);
    // Nobody on the wire answers for these; their ARP requests are what may cross it.
    web.namespace().exec("ping", "-c", "1", "-W", "1", "10.0.10.254");
    db.namespace().exec("ping", "-c", "1", "-W", "1", "10.0.20.254");
    List<String> frames = onTheWire.stop();

    String all = String.join("\n", frames);
    assertThat(frames)
        .as("the web pod's ARP requests, tagged with VLAN 10:\n%s", all)
        .filteredOn(line -> line.startsWith(web.mac(), line.indexOf(' ') + 1))
        .isNotEmpty()
        .allSatisfy(
            line ->
                assertThat(line)
                    .contains("ethertype 802.1Q")
                    .contains("vlan 10,")
                    .contains("who-has 10.0.10.254"));
    assertThat(frames)
        .as("the native VLAN's echo requests and replies cross untagged:\n%s", all)
        .filteredOn(line -> line.contains("ICMP echo"))
        .hasSize(4)
        .allSatisfy(line -> assertThat(line).doesNotContain("802.1Q"));
    assertThat(frames)
        .as("nothing of VLAN 20 or from the db pod:\n%s", all)
        .noneMatch(line -> line.contains("vlan 20,") || line.contains(db.mac()));
  }
}
