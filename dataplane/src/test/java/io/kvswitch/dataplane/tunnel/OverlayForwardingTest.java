package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The switch with tunnel ports: which peers get a flood, where remote MACs are learned, split
 * horizon, static remote MACs and the underlay MTU. Peers B and C carry VLAN 10, only C carries
 * VLAN 20, D carries only VLAN 30.
 */
class OverlayForwardingTest {

  private static final String POD_10 = "02:00:00:00:10:01";
  private static final String POD_20 = "02:00:00:00:20:01";
  private static final String REMOTE_B = "02:00:00:00:b0:01";
  private static final String REMOTE_C = "02:00:00:00:c0:01";
  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";

  private final InMemoryPort pod10 = new InMemoryPort("pod10");
  private final InMemoryPort pod20 = new InMemoryPort("pod20");
  private final RecordingDatagramBatch toB = TunnelFixture.batch();
  private final RecordingDatagramBatch toC = TunnelFixture.batch();
  private final RecordingDatagramBatch toD = TunnelFixture.batch();
  private VxlanPeerPort b;
  private VxlanPeerPort c;
  private VxlanPeerPort d;
  private VxlanDecapsulator decapsulator;
  private Bridge bridge;

  @BeforeEach
  void setUp() {
    b = TunnelFixture.peer("node-b", "198.18.0.2", "10", 64, toB);
    c = TunnelFixture.peer("node-c", "198.18.0.3", "10,20", 64, toC);
    d = TunnelFixture.peer("node-d", "198.18.0.4", "30", 64, toD);
    decapsulator = new VxlanDecapsulator(TunnelFixture.VNI_BASE, List.of(b, c, d));
    Bridge.Builder builder =
        Bridge.builder()
            .threads(1)
            .addPort(pod10, PortVlanConfig.access(10))
            .addPort(pod20, PortVlanConfig.access(20));
    for (VxlanPeerPort peer : List.of(b, c, d)) {
      builder.addPort(
          peer, PortVlanConfig.trunk(peer.vlans(), 0), StormControlSettings.UNLIMITED, 1);
    }
    bridge = builder.build();
  }

  @AfterEach
  void tearDown() {
    bridge.close();
  }

  @Test
  void aBroadcastIsReplicatedToExactlyThePeersOfItsVlanWithItsVniAndNoTag() {
    byte[] frame = TestFrames.untagged(BROADCAST, POD_10, 46);
    pod10.inject(frame);
    bridge.pollOnce();

    byte[] expected = concat(vxlan(10_010), frame);
    assertThat(toB.take()).containsExactly(expected);
    assertThat(toC.take()).containsExactly(expected);
    assertThat(toD.take()).isEmpty();
    assertThat(pod20.takeSent()).isEmpty();
  }

  @Test
  void aFloodOfAnotherVlanGoesOnlyToThePeersOfThatVlan() {
    pod20.inject(TestFrames.untagged(BROADCAST, POD_20, 46));
    bridge.pollOnce();

    assertThat(toB.take()).isEmpty();
    assertThat(toC.take()).hasSize(1).allSatisfy(d -> assertThat(vni(d)).isEqualTo(10_020));
    assertThat(toD.take()).isEmpty();
  }

  @Test
  void aFrameFromAPeerReachesLocalPortsButNeverAnotherPeer() {
    receiveFrom("198.18.0.2", 10_010, TestFrames.untagged(BROADCAST, REMOTE_B, 46));
    bridge.pollOnce();

    assertThat(pod10.takeSent()).containsExactly(TestFrames.untagged(BROADCAST, REMOTE_B, 46));
    assertThat(toC.take()).isEmpty();
    assertThat(toB.take()).isEmpty();
    assertThat(pod20.takeSent()).isEmpty();
  }

  @Test
  void aMacLearnedFromAPeerIsSentToThatPeerOnly() {
    receiveFrom("198.18.0.2", 10_010, TestFrames.untagged(BROADCAST, REMOTE_B, 46));
    bridge.pollOnce();
    pod10.takeSent();

    byte[] reply = TestFrames.untagged(REMOTE_B, POD_10, 46);
    pod10.inject(reply);
    bridge.pollOnce();

    assertThat(toB.take()).containsExactly(concat(vxlan(10_010), reply));
    assertThat(toC.take()).isEmpty();
    assertThat(bridge.portStats(bridge.portIndex("vxlan:node-b")).macEntries()).isEqualTo(1);
    assertThat(bridge.core().macTable().lookup(10, MacAddress.parse(REMOTE_B), System.nanoTime()))
        .isEqualTo(bridge.portIndex("vxlan:node-b"));
  }

  @Test
  void unicastBetweenTwoPeersIsDroppedBySplitHorizon() {
    bridge
        .core()
        .macTable()
        .addStatic(10, MacAddress.parse(REMOTE_C), bridge.portIndex("vxlan:node-c"));
    receiveFrom("198.18.0.2", 10_010, TestFrames.untagged(REMOTE_C, REMOTE_B, 46));
    bridge.pollOnce();

    assertThat(toC.take()).isEmpty();
    assertThat(bridge.portStats(bridge.portIndex("vxlan:node-b")).drops(DropReason.SPLIT_HORIZON))
        .isEqualTo(1);
  }

  @Test
  void aStaticRemoteMacGetsUnicastWithoutAFlood() {
    bridge
        .core()
        .macTable()
        .addStatic(10, MacAddress.parse(REMOTE_C), bridge.portIndex("vxlan:node-c"));
    byte[] frame = TestFrames.untagged(REMOTE_C, POD_10, 46);
    pod10.inject(frame);
    bridge.pollOnce();

    assertThat(toC.take()).containsExactly(concat(vxlan(10_010), frame));
    assertThat(toB.take()).isEmpty();
  }

  @Test
  void aFrameTooBigForTheUnderlayIsCountedAndDroppedWhileLocalPortsStillGetIt() {
    // 1465 bytes: with 36 bytes of IP, UDP and VXLAN it would be 1501, one over the MTU of 1500.
    byte[] tooBig = TestFrames.untagged(BROADCAST, POD_10, TunnelFixture.MAX_INNER_FRAME + 1 - 14);
    InMemoryPort local = new InMemoryPort("local10");
    bridge.addPort(local, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
    pod10.inject(tooBig);
    bridge.pollOnce();

    assertThat(toB.take()).isEmpty();
    assertThat(toC.take()).isEmpty();
    assertThat(local.takeSent()).containsExactly(tooBig);
    for (String peer : List.of("vxlan:node-b", "vxlan:node-c")) {
      assertThat(bridge.portStats(bridge.portIndex(peer)).drops(DropReason.UNDERLAY_MTU_EXCEEDED))
          .isEqualTo(1);
    }

    byte[] fits = TestFrames.untagged(BROADCAST, POD_10, TunnelFixture.MAX_INNER_FRAME - 14);
    pod10.inject(fits);
    bridge.pollOnce();
    assertThat(toB.take()).containsExactly(concat(vxlan(10_010), fits));
  }

  private void receiveFrom(String peer, int vni, byte[] inner) {
    MemorySegment datagram = TunnelFixture.datagram(vxlan(vni), inner);
    assertThat(
            decapsulator.decapsulate(
                TunnelFixture.ipv4Int(peer), datagram, 0, (int) datagram.byteSize()))
        .isNull();
  }

  private static byte[] vxlan(int vni) {
    return new byte[] {0x08, 0, 0, 0, (byte) (vni >>> 16), (byte) (vni >>> 8), (byte) vni, 0};
  }

  private static int vni(byte[] datagram) {
    return (datagram[4] & 0xFF) << 16 | (datagram[5] & 0xFF) << 8 | datagram[6] & 0xFF;
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
