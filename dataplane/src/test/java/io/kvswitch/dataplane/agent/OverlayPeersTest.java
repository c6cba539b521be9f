package io.kvswitch.dataplane.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.TunnelPeer;
import io.kvswitch.dataplane.agent.OverlayPeers.Change;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.tunnel.VxlanPeer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VLAN-to-peers transpose and the steps between two peer sets: pure. */
class OverlayPeersTest {

  static SwitchNodeVlan vlan(int id, String... nodeAtIp) {
    SwitchNodeVlan vlan = States.vlan(id, "apps/net" + id);
    for (String entry : nodeAtIp) {
      TunnelPeer peer = new TunnelPeer();
      String[] parts = entry.split("@", -1);
      peer.setNode(parts[0]);
      peer.setUnderlayIp(parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null);
      vlan.getTunnelPeers().add(peer);
    }
    return vlan;
  }

  private static Inet4Address ip(String literal) {
    return (Inet4Address) InetAddress.ofLiteral(literal);
  }

  private static VxlanPeer peer(String node, String ip, int... vlans) {
    return new VxlanPeer(node, ip(ip), VlanSet.of(vlans));
  }

  @Test
  void eachPeerCarriesExactlyTheVlansItSharesWithThisNode() {
    OverlayPeers.Plan plan =
        OverlayPeers.desired(
            List.of(
                vlan(10, "node-b@192.0.2.2", "node-c@192.0.2.3"),
                vlan(20, "node-b@192.0.2.2"),
                vlan(30)),
            "node-a");

    assertThat(plan.peers())
        .containsExactly(
            Map.entry("node-b", peer("node-b", "192.0.2.2", 10, 20)),
            Map.entry("node-c", peer("node-c", "192.0.2.3", 10)));
    assertThat(plan.problems()).isEmpty();
  }

  @Test
  void unreachablePeersAreProblemsOfTheirVlanAndLeftOut() {
    OverlayPeers.Plan plan =
        OverlayPeers.desired(
            List.of(
                vlan(10, "node-b@", "node-c@fd00::3", "node-d@not-an-ip", "node-a@192.0.2.1"),
                vlan(20, "node-e@192.0.2.5"),
                vlan(30, "node-e@192.0.2.6")),
            "node-a");

    assertThat(plan.peers()).containsOnlyKeys("node-e");
    assertThat(plan.peers().get("node-e").vlans()).isEqualTo(VlanSet.of(20));
    assertThat(plan.problems())
        .containsOnlyKeys(10, 30)
        .containsEntry(
            10,
            List.of(
                "node-b: no underlay IP",
                "node-c: underlay IP 'fd00::3' is not IPv4; the overlay runs over IPv4",
                "node-d: underlay IP 'not-an-ip' is not an IP address"))
        .containsEntry(
            30, List.of("node-e: underlay IP 192.0.2.6 differs from 192.0.2.5 in another VLAN"));
  }

  @Test
  void aPeerWithThisNodesOwnAddressIsAProblem() {
    OverlayPeers.Plan plan =
        OverlayPeers.desired(
            List.of(vlan(10, "node-b@192.0.2.1", "node-c@192.0.2.3")), "node-a", ip("192.0.2.1"));

    assertThat(plan.peers()).containsOnlyKeys("node-c");
    assertThat(plan.problems())
        .containsExactly(
            Map.entry(10, List.of("node-b: underlay IP 192.0.2.1 is this node's own")));
  }

  @Test
  void theStepsRemoveFirstThenChangeVlansThenAddAndNothingForEqualPeers() {
    Map<String, VxlanPeer> current =
        Map.of(
            "node-b", peer("node-b", "192.0.2.2", 10),
            "node-c", peer("node-c", "192.0.2.3", 10, 20),
            "node-d", peer("node-d", "192.0.2.4", 10),
            "node-e", peer("node-e", "192.0.2.5", 10));
    Map<String, VxlanPeer> desired =
        Map.of(
            "node-b", peer("node-b", "192.0.2.2", 10),
            "node-c", peer("node-c", "192.0.2.3", 20),
            "node-e", peer("node-e", "192.0.2.55", 10),
            "node-f", peer("node-f", "192.0.2.6", 10, 30));

    List<Change> changes = OverlayPeers.changes(current, desired);

    assertThat(changes)
        .containsExactly(
            new Change.Remove("node-d"),
            new Change.Remove("node-e"),
            new Change.ChangeVlans("node-c", VlanSet.of(20)),
            new Change.Add(peer("node-e", "192.0.2.55", 10)),
            new Change.Add(peer("node-f", "192.0.2.6", 10, 30)));
    assertThat(changes.stream().map(Change::describe))
        .containsExactly(
            "remove peer node-d",
            "remove peer node-e",
            "change peer node-c to VLANs 20",
            "add peer node-e at 192.0.2.55 with VLANs 10",
            "add peer node-f at 192.0.2.6 with VLANs 10,30");
    assertThat(OverlayPeers.changes(desired, desired)).isEmpty();
  }

  @Test
  void underlayAddressesAreIpv4LiteralsNeverNames() {
    assertThat(OverlayPeers.ipv4("198.18.0.1")).isEqualTo(ip("198.18.0.1"));
    assertThatThrownBy(() -> OverlayPeers.ipv4("localhost"))
        .hasMessage("underlay IP 'localhost' is not an IP address");
    assertThatThrownBy(() -> OverlayPeers.ipv4(null)).hasMessage("no underlay IP");
  }
}
