package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.remoteMac;
import static io.kvswitch.dataplane.agent.States.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.api.v1alpha1.OverlaySpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.port.InMemoryPort;
import io.kvswitch.dataplane.tunnel.VxlanPeerPort;
import io.kvswitch.dataplane.tunnel.VxlanRxDrop;
import io.kvswitch.dataplane.tunnel.VxlanTunnel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' engines, each a real bridge with in-memory pod ports, joined by their overlays over
 * loopback UDP (127.0.0.1 and 127.0.0.2, one free port): node states in, frames across.
 */
class OverlayEngineTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final String A_IP = "127.0.0.1";
  private static final String B_IP = "127.0.0.2";
  private static final String C_IP = "127.0.0.3";
  private static final String MAC_A10 = "02:00:00:0a:10:01";
  private static final String MAC_A11 = "02:00:00:0a:10:02";
  private static final String MAC_A20 = "02:00:00:0a:20:01";
  private static final String MAC_B10 = "02:00:00:0b:10:01";
  private static final String MAC_B20 = "02:00:00:0b:20:01";
  private static final String MAC_C10 = "02:00:00:0c:10:01";

  private final int udpPort = freeUdpPort();
  private final Node a = new Node();
  private final Node b = new Node();

  /** One node: a bridge, its engine with an overlay sized for a 1500-byte underlay, its pods. */
  private static final class Node {
    final Bridge bridge = Bridge.builder().threads(1).build();
    final Map<String, InMemoryPort> interfaces = new HashMap<>();
    final BridgeSwitchEngine engine =
        new BridgeSwitchEngine(
            bridge,
            name -> interfaces.computeIfAbsent(name, InMemoryPort::new),
            new OverlayAttachment(bridge, 1500));
    final StateApplier applier = new StateApplier(engine);
    long generation;

    ApplyResult apply(SwitchNodeStateSpec spec) {
      return applier.apply(DesiredState.of(++generation, spec));
    }

    InMemoryPort pod(String name) {
      return interfaces.get(HostInterfaces.forPort(name));
    }

    VxlanTunnel tunnel() {
      return engine.overlay().tunnel();
    }

    int portIndex(String name) {
      return bridge.portIndex(name);
    }

    void close() {
      engine.overlay().close();
      bridge.close();
    }
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  private static int freeUdpPort() {
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress(A_IP, 0));
      return ((InetSocketAddress) probe.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private SwitchNodeStateSpec node(String name, String underlayIp) {
    SwitchNodeStateSpec spec = spec("fabric", name);
    spec.setUnderlayIp(underlayIp);
    OverlaySpec overlay = new OverlaySpec();
    overlay.setUdpPort(udpPort);
    spec.setOverlay(overlay);
    return spec;
  }

  private static SwitchNodeVlan vlan(int id, String... nodeAtIp) {
    return OverlayPeersTest.vlan(id, nodeAtIp);
  }

  /** Node A: pods a10 and a11 in VLAN 10, a20 in VLAN 20; VLAN 10 shared with node B. */
  private SwitchNodeStateSpec nodeA(boolean shareVlan20) {
    SwitchNodeStateSpec spec = node("node-a", A_IP);
    spec.getVlans().add(vlan(10, "node-b@" + B_IP));
    spec.getVlans().add(shareVlan20 ? vlan(20, "node-b@" + B_IP) : vlan(20));
    spec.getPorts().add(port("apps/a10", 10, MAC_A10));
    spec.getPorts().add(port("apps/a11", 10, MAC_A11));
    spec.getPorts().add(port("apps/a20", 20, MAC_A20));
    return spec;
  }

  /** Node B: pod b10 in VLAN 10, and b20 in VLAN 20 once it shares VLAN 20. */
  private SwitchNodeStateSpec nodeB(boolean withVlan20) {
    SwitchNodeStateSpec spec = node("node-b", B_IP);
    spec.getVlans().add(vlan(10, "node-a@" + A_IP));
    spec.getPorts().add(port("apps/b10", 10, MAC_B10));
    if (withVlan20) {
      spec.getVlans().add(vlan(20, "node-a@" + A_IP));
      spec.getPorts().add(port("apps/b20", 20, MAC_B20));
    }
    return spec;
  }

  /** Drives both bridges until {@code check} holds: frames cross the loopback asynchronously. */
  private void untilBoth(Runnable check) {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(5))
        .untilAsserted(
            () -> {
              a.bridge.pollOnce();
              b.bridge.pollOnce();
              check.run();
            });
  }

  @Test
  void aVlanSharedWithAPeerCrossesAndAVlanWithoutPeersStaysHome() {
    assertThat(a.apply(nodeA(false)).failures()).isEmpty();
    assertThat(b.apply(nodeB(false)).failures()).isEmpty();

    a.pod("apps/a20").inject(TestFrames.untagged(BROADCAST, MAC_A20, 46));
    a.pod("apps/a10").inject(TestFrames.untagged(BROADCAST, MAC_A10, 46));
    untilBoth(() -> assertThat(b.pod("apps/b10").sentCount()).isEqualTo(1));
    b.pod("apps/b10").inject(TestFrames.untagged(MAC_A10, MAC_B10, 46));
    untilBoth(() -> assertThat(a.pod("apps/a10").sentCount()).isEqualTo(1));

    // The VLAN 20 broadcast reached a20's neighbours on node A only (there are none), VLAN 10's
    // reached a11 locally and b10 through the tunnel; b10's answer went to a10 alone.
    assertThat(a.pod("apps/a11").sentCount()).isEqualTo(1);
    assertThat(a.pod("apps/a20").sentCount()).isZero();
    assertThat(a.tunnel().txDatagrams()).isEqualTo(1);
    assertThat(a.engine.overlay().peerVlans()).containsExactly(Map.entry("node-b", VlanSet.of(10)));
    EngineCounters countersA = a.engine.counters();
    assertThat(countersA.overlay().peers()).isEqualTo(1);
    assertThat(countersA.overlay().rxDecapsulated()).isEqualTo(1);
    assertThat(countersA.overlay().txDatagrams()).isEqualTo(1);
    assertThat(countersA.overlay().rxDropped()).isZero();
    assertThat(b.engine.counters().overlay().txDatagrams()).isEqualTo(1);
    // MAC learning across the tunnel: b10 is known behind node B's port on node A.
    assertThat(a.bridge.core().macTable().lookup(10, MacAddress.parse(MAC_B10), System.nanoTime()))
        .isEqualTo(a.portIndex(VxlanPeerPort.portName("node-b")));
  }

  @Test
  void aVlanSharedAtRunTimeIsCarriedByTheSamePeerPortOnTheSameSocket() {
    a.apply(nodeA(false));
    b.apply(nodeB(false));
    VxlanTunnel tunnel = a.tunnel();
    VxlanPeerPort peerPort = tunnel.ports().getFirst();
    int peerIndex = a.portIndex(peerPort.name());

    assertThat(a.apply(nodeA(true)).failures()).isEmpty();
    assertThat(b.apply(nodeB(true)).failures()).isEmpty();
    a.pod("apps/a20").inject(TestFrames.untagged(BROADCAST, MAC_A20, 46));
    a.pod("apps/a10").inject(TestFrames.untagged(BROADCAST, MAC_A10, 46));
    untilBoth(
        () -> {
          assertThat(b.pod("apps/b20").sentCount()).isEqualTo(1);
          assertThat(b.pod("apps/b10").sentCount()).isEqualTo(1);
        });

    assertThat(a.tunnel()).isSameAs(tunnel);
    assertThat(tunnel.ports()).containsExactly(peerPort);
    assertThat(a.portIndex(peerPort.name())).isEqualTo(peerIndex);
    assertThat(peerPort.vlans()).isEqualTo(VlanSet.of(10, 20));
    assertThat(b.pod("apps/b20").takeSent().getFirst())
        .isEqualTo(TestFrames.untagged(BROADCAST, MAC_A20, 46));

    // And back: node B leaves VLAN 20, so node A stops taking it from B.
    assertThat(a.apply(nodeA(false)).failures()).isEmpty();
    assertThat(b.apply(nodeB(false)).failures()).isEmpty();
    assertThat(peerPort.vlans()).isEqualTo(VlanSet.of(10));
    assertThat(a.tunnel()).isSameAs(tunnel);
  }

  @Test
  void remoteMacsAreStaticOnTheirNodesPortAndWaitForAPeerThatIsNotThereYet() {
    SwitchNodeStateSpec spec = nodeA(false);
    spec.getRemoteMacs().add(remoteMac(10, MAC_B10, "node-b"));
    spec.getRemoteMacs().add(remoteMac(10, MAC_C10, "node-c"));

    assertThat(a.apply(spec).failures()).isEmpty();

    assertThat(a.engine.overlay().pendingRemoteMacs())
        .containsExactly(new DesiredState.RemoteMacKey(10, MAC_C10));
    assertThat(lookup(a, 10, MAC_B10)).isEqualTo(a.portIndex("vxlan:node-b"));
    assertThat(a.bridge.macTableStats().staticEntries()).isEqualTo(1);
    // Unicast to the known remote MAC goes into the tunnel only; to the pending one it floods.
    a.pod("apps/a10").inject(TestFrames.untagged(MAC_B10, MAC_A10, 46));
    a.bridge.pollOnce();
    assertThat(a.pod("apps/a11").sentCount()).isZero();
    a.pod("apps/a10").inject(TestFrames.untagged(MAC_C10, MAC_A10, 46));
    a.bridge.pollOnce();
    assertThat(a.pod("apps/a11").sentCount()).isEqualTo(1);

    // Node C joins VLAN 10: its port appears and the pending MAC is programmed on it.
    SwitchNodeStateSpec withC = nodeA(false);
    withC.getVlans().set(0, vlan(10, "node-b@" + B_IP, "node-c@" + C_IP));
    withC.setRemoteMacs(spec.getRemoteMacs());
    assertThat(a.apply(withC).failures()).isEmpty();
    assertThat(a.engine.overlay().pendingRemoteMacs()).isEmpty();
    assertThat(lookup(a, 10, MAC_C10)).isEqualTo(a.portIndex("vxlan:node-c"));

    // Node B's MAC is withdrawn: its entry goes.
    withC.setRemoteMacs(List.of(remoteMac(10, MAC_C10, "node-c")));
    assertThat(a.apply(withC).failures()).isEmpty();
    assertThat(lookup(a, 10, MAC_B10)).isEqualTo(-1);

    // Node C leaves before its MAC is withdrawn: the MAC waits again, the port index is freed.
    SwitchNodeStateSpec withoutC = nodeA(false);
    withoutC.setRemoteMacs(withC.getRemoteMacs());
    assertThat(a.apply(withoutC).failures()).isEmpty();
    assertThat(a.engine.overlay().pendingRemoteMacs())
        .containsExactly(new DesiredState.RemoteMacKey(10, MAC_C10));
    assertThat(lookup(a, 10, MAC_C10)).isEqualTo(-1);
    assertThat(a.bridge.macTableStats().staticEntries()).isZero();
  }

  @Test
  void aRemoteMacThatMovesToAnotherNodeIsPointedAtThatNodesPort() {
    SwitchNodeStateSpec spec = nodeA(false);
    spec.getVlans().set(0, vlan(10, "node-b@" + B_IP, "node-c@" + C_IP));
    spec.getRemoteMacs().add(remoteMac(10, MAC_B10, "node-b"));
    assertThat(a.apply(spec).failures()).isEmpty();
    assertThat(lookup(a, 10, MAC_B10)).isEqualTo(a.portIndex("vxlan:node-b"));

    // A live migration: the same MAC, now behind node C.
    spec.setRemoteMacs(List.of(remoteMac(10, MAC_B10, "node-c")));
    assertThat(a.apply(spec).failures()).isEmpty();

    assertThat(lookup(a, 10, MAC_B10)).isEqualTo(a.portIndex("vxlan:node-c"));
    assertThat(a.bridge.macTableStats().staticEntries()).isEqualTo(1);
    assertThat(a.engine.overlay().pendingRemoteMacs()).isEmpty();
  }

  @Test
  void aVlanRefusedForOnePeerCarriesTheOthersAndLeavesNothingBehindWhenItGoes() {
    SwitchNodeStateSpec spec = nodeA(false);
    spec.getVlans().set(0, vlan(10, "node-b@" + B_IP, "node-c@"));

    ApplyResult partly = a.apply(spec);

    assertThat(partly.failures())
        .extracting(f -> f.change().describe() + ": " + f.message())
        .containsExactly("put VLAN 10: VLAN 10 cannot reach every peer: node-c: no underlay IP");
    assertThat(a.engine.overlay().peerVlans()).containsOnlyKeys("node-b");

    // The VLAN leaves this node: its peer goes although its put was never accepted.
    SwitchNodeStateSpec without = node("node-a", A_IP);
    without.getVlans().add(vlan(20));
    without.getPorts().add(port("apps/a20", 20, MAC_A20));
    assertThat(a.apply(without).failures()).isEmpty();

    assertThat(a.engine.overlay().peerVlans()).isEmpty();
    assertThat(a.tunnel()).isNull();
  }

  private static int lookup(Node node, int vlan, String mac) {
    return node.bridge.core().macTable().lookup(vlan, MacAddress.parse(mac), System.nanoTime());
  }

  @Test
  void noSocketIsOpenedWithoutPeersOrWithoutAnUnderlayAddress() {
    SwitchNodeStateSpec alone = node("node-a", A_IP);
    alone.getVlans().add(vlan(10));
    alone.getPorts().add(port("apps/a10", 10, MAC_A10));
    assertThat(a.apply(alone).failures()).isEmpty();
    assertThat(a.tunnel()).isNull();

    SwitchNodeStateSpec noAddress = nodeA(false);
    noAddress.setUnderlayIp(null);
    noAddress.getRemoteMacs().add(remoteMac(10, MAC_B10, "node-b"));
    ApplyResult result = a.apply(noAddress);

    assertThat(a.tunnel()).isNull();
    assertThat(result.failures())
        .extracting(f -> f.change().describe() + ": " + f.message())
        .containsExactly(
            "put VLAN 10: VLAN 10 cannot reach every peer: this node has no usable underlay IP,"
                + " so the overlay is down");
    assertThat(a.engine.overlay().pendingRemoteMacs())
        .containsExactly(new DesiredState.RemoteMacKey(10, MAC_B10));
    // Local forwarding is not affected.
    a.pod("apps/a10").inject(TestFrames.untagged(BROADCAST, MAC_A10, 46));
    a.bridge.pollOnce();
    assertThat(a.pod("apps/a11").sentCount()).isEqualTo(1);

    // The address arrives: the overlay comes up on the next pass and the state is realized.
    assertThat(a.apply(nodeA(false)).failures()).isEmpty();
    assertThat(a.tunnel()).isNotNull();
    assertThat(a.engine.overlay().pendingRemoteMacs()).isEmpty();
  }

  @Test
  void theTunnelClosesWithItsLastPeerAndItsCountersAreKept() {
    a.apply(nodeA(false));
    b.apply(nodeB(false));
    a.pod("apps/a10").inject(TestFrames.untagged(BROADCAST, MAC_A10, 46));
    untilBoth(() -> assertThat(b.pod("apps/b10").sentCount()).isEqualTo(1));

    SwitchNodeStateSpec alone = nodeA(false);
    alone.getVlans().set(0, vlan(10));
    assertThat(a.apply(alone).failures()).isEmpty();

    assertThat(a.tunnel()).isNull();
    assertThat(a.bridge.portCount()).isEqualTo(3);
    OverlayCounters counters = a.engine.counters().overlay();
    assertThat(counters.peers()).isZero();
    assertThat(counters.txDatagrams()).isEqualTo(1);
    assertThat(counters.rxDrops()).containsEntry(VxlanRxDrop.UNKNOWN_PEER, 0L);
  }

  @Test
  void aNewUnderlayAddressReopensTheTunnelThereWithItsPeersAndRemoteMacs() {
    SwitchNodeStateSpec spec = nodeA(false);
    spec.getRemoteMacs().add(remoteMac(10, MAC_B10, "node-b"));
    a.apply(spec);
    VxlanTunnel before = a.tunnel();

    SwitchNodeStateSpec moved = nodeA(false);
    moved.setUnderlayIp("127.0.0.4");
    moved.setRemoteMacs(spec.getRemoteMacs());
    assertThat(a.apply(moved).failures()).isEmpty();

    assertThat(a.tunnel()).isNotSameAs(before);
    assertThat(a.tunnel().localAddress().getHostAddress()).isEqualTo("127.0.0.4");
    assertThat(a.engine.overlay().peerVlans()).containsExactly(Map.entry("node-b", VlanSet.of(10)));
    assertThat(lookup(a, 10, MAC_B10)).isEqualTo(a.portIndex("vxlan:node-b"));
    assertThat(a.bridge.macTableStats().staticEntries()).isEqualTo(1);
    // Node B, told node A's new address, takes A's floods from there.
    SwitchNodeStateSpec peerMoved = nodeB(false);
    peerMoved.getVlans().set(0, vlan(10, "node-a@127.0.0.4"));
    assertThat(b.apply(peerMoved).failures()).isEmpty();
    a.pod("apps/a10").inject(TestFrames.untagged(BROADCAST, MAC_A10, 46));
    untilBoth(() -> assertThat(b.pod("apps/b10").sentCount()).isEqualTo(1));
  }

  @Test
  void aRemovedPeersDatagramsAreCountedAsFromAnUnknownPeer() {
    a.apply(nodeA(false));
    b.apply(nodeB(false));
    // Node A keeps a tunnel (to node C) but no longer has node B as a peer.
    SwitchNodeStateSpec onlyC = nodeA(false);
    onlyC.getVlans().set(0, vlan(10, "node-c@" + C_IP));
    assertThat(a.apply(onlyC).failures()).isEmpty();

    b.pod("apps/b10").inject(TestFrames.untagged(BROADCAST, MAC_B10, 46));
    untilBoth(
        () ->
            assertThat(a.engine.counters().overlay().rxDrops())
                .containsEntry(VxlanRxDrop.UNKNOWN_PEER, 1L));
    assertThat(a.pod("apps/a10").sentCount()).isZero();
    assertThat(a.engine.counters().droppedPackets()).isEqualTo(1);
  }
}
