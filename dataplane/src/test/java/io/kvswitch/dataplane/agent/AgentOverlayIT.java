package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.remoteMac;
import static io.kvswitch.dataplane.agent.States.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.api.v1alpha1.OverlaySpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.dataplane.testing.CommandResult;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.PacketCapture;
import io.kvswitch.dataplane.testing.Traffic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's engine on two node namespaces, configured from SwitchNodeState specs, carrying VLANs
 * between the nodes over VXLAN: same VLAN reachable, other VLAN not, and a VLAN shared at run time
 * without restarting either engine.
 */
@ExtendWith(NetworkLabExtension.class)
class AgentOverlayIT {

  private static SwitchNodeStateSpec node(String name, String underlayIp) {
    SwitchNodeStateSpec spec = spec("fabric", name);
    spec.setUnderlayIp(underlayIp);
    spec.setOverlay(new OverlaySpec());
    return spec;
  }

  private static SwitchNodeVlan vlan(int id, String... peers) {
    return OverlayPeersTest.vlan(id, peers);
  }

  /** Node A: a10 in VLAN 10 (shared with B), a20 in VLAN 20 (shared with B when asked). */
  private static SwitchNodeStateSpec nodeA(AgentNodes net, boolean shareVlan20) {
    SwitchNodeStateSpec spec = node("node-a", AgentNodes.UNDERLAY_A);
    spec.getVlans().add(vlan(10, "node-b@" + AgentNodes.UNDERLAY_B));
    spec.getVlans().add(shareVlan20 ? vlan(20, "node-b@" + AgentNodes.UNDERLAY_B) : vlan(20));
    spec.getPorts().add(port(net.a10.portName(), 10, net.a10.mac()));
    spec.getPorts().add(port(net.a20.portName(), 20, net.a20.mac()));
    spec.getRemoteMacs().add(remoteMac(10, net.b10.mac(), "node-b"));
    if (shareVlan20) {
      spec.getRemoteMacs().add(remoteMac(20, net.b20.mac(), "node-b"));
    }
    return spec;
  }

  /** Node B: b10 in VLAN 10; b20 in VLAN 20 only once it is shared (its pod exists before). */
  private static SwitchNodeStateSpec nodeB(AgentNodes net, boolean withVlan20) {
    SwitchNodeStateSpec spec = node("node-b", AgentNodes.UNDERLAY_B);
    spec.getVlans().add(vlan(10, "node-a@" + AgentNodes.UNDERLAY_A));
    spec.getPorts().add(port(net.b10.portName(), 10, net.b10.mac()));
    spec.getRemoteMacs().add(remoteMac(10, net.a10.mac(), "node-a"));
    if (withVlan20) {
      spec.getVlans().add(vlan(20, "node-a@" + AgentNodes.UNDERLAY_A));
      spec.getPorts().add(port(net.b20.portName(), 20, net.b20.mac()));
      spec.getRemoteMacs().add(remoteMac(20, net.a20.mac(), "node-a"));
    }
    return spec;
  }

  @Test
  void vlansCrossNodesAsTheStateSaysAndAVlanSharedAtRunTimeWorksWithoutARestart(
      NetworkLab lab, @TempDir Path work) {
    AgentNodes net = new AgentNodes(lab, work);
    net.agentA.apply(1, nodeA(net, false));
    net.agentB.apply(1, nodeB(net, false));

    PacketCapture underlay = lab.capture(net.nodeA, net.underlayA, "udp port 4789");
    PacketCapture atB20 = lab.capture(net.b20.namespace(), net.b20.podDevice(), "");
    Traffic.assertPingSucceeds(net.a10.namespace(), net.b10.address(), 3);
    // VLAN 20 has no peer yet: a20's ARP for b20 stays on node A.
    CommandResult notShared =
        net.a20
            .namespace()
            .exec(Duration.ofSeconds(20), "ping", "-c", "2", "-W", "1", net.b20.address());
    // VLAN 10 to the VLAN 20 pod's address, in the same subnet: ARP floods VLAN 10 only.
    CommandResult crossVlan =
        net.a10
            .namespace()
            .exec(Duration.ofSeconds(20), "ping", "-c", "2", "-W", "1", net.b20.address());
    List<String> onUnderlay = underlay.stop();
    List<String> seenByB20 = atB20.stop();

    assertThat(notShared.stdout()).contains("2 packets transmitted, 0 received");
    assertThat(crossVlan.stdout()).contains("2 packets transmitted, 0 received");
    assertThat(onUnderlay)
        .filteredOn(line -> line.contains("4789: VXLAN"))
        .isNotEmpty()
        .allMatch(line -> line.contains("vni 10010"));
    assertThat(seenByB20).isEmpty();

    long pidA = net.agentA.pid();
    long pidB = net.agentB.pid();
    net.agentA.apply(2, nodeA(net, true));
    net.agentB.apply(2, nodeB(net, true));

    PacketCapture underlayAfter = lab.capture(net.nodeA, net.underlayA, "udp port 4789");
    PacketCapture atB20After = lab.capture(net.b20.namespace(), net.b20.podDevice(), "");
    Traffic.assertPingSucceeds(net.a20.namespace(), net.b20.address(), 3);
    Traffic.assertPingSucceeds(net.a10.namespace(), net.b10.address(), 2);
    CommandResult stillCrossVlan =
        net.a10
            .namespace()
            .exec(Duration.ofSeconds(20), "ping", "-c", "2", "-W", "1", net.b20.address());
    List<String> onUnderlayAfter = underlayAfter.stop();
    List<String> seenByB20After = atB20After.stop();

    assertThat(net.agentA.pid()).isEqualTo(pidA);
    assertThat(net.agentB.pid()).isEqualTo(pidB);
    assertThat(net.agentA.isAlive()).isTrue();
    assertThat(net.agentB.isAlive()).isTrue();
    assertThat(stillCrossVlan.stdout()).contains("2 packets transmitted, 0 received");
    assertThat(onUnderlayAfter)
        .filteredOn(line -> line.contains("4789: VXLAN"))
        .anyMatch(line -> line.contains("vni 10020"))
        .allMatch(line -> line.contains("vni 10010") || line.contains("vni 10020"));
    assertThat(seenByB20After).anyMatch(line -> line.contains(net.a20.mac()));
    assertThat(seenByB20After).noneMatch(line -> line.contains(net.a10.mac()));
    // One tunnel port to node B on each side, carrying both VLANs now; nothing dropped on receive.
    assertThat(
            net.agentA.metric(
                "kvswitch_vxlan_tx_datagrams_total{peer=\"node-b\",address=\""
                    + AgentNodes.UNDERLAY_B
                    + "\"}"))
        .isPositive();
    assertThat(net.agentA.metric("kvswitch_vxlan_rx_drops_total{reason=\"unknown_vni\"}")).isZero();
    assertThat(net.agentB.metric("kvswitch_vxlan_rx_decapsulated_total")).isPositive();
  }
}
