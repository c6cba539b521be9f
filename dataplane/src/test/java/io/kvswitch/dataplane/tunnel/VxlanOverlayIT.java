package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.testing.CommandResult;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.PacketCapture;
import io.kvswitch.dataplane.testing.Traffic;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two dataplane processes joined by VXLAN over a veth underlay, with real pods and real pings. */
@ExtendWith(NetworkLabExtension.class)
class VxlanOverlayIT {

  @Test
  void sameVlanReachesAcrossNodesAndOtherVlansNever(NetworkLab lab, @TempDir Path work) {
    TwoNodeOverlay net = new TwoNodeOverlay(lab, work, 1500);

    PacketCapture underlay = lab.capture(net.nodeA, net.underlayA, "udp port 4789");
    PacketCapture podB20 = lab.capture(net.b20.namespace(), net.b20.podDevice(), "");
    Traffic.assertPingSucceeds(net.a10.namespace(), net.b10.address(), 3);
    Traffic.assertPingSucceeds(net.a20.namespace(), net.b20.address(), 3);
    // VLAN 10 to the VLAN 20 pod's address, on the same subnet: ARP floods VLAN 10 only.
    CommandResult crossVlan =
        net.a10
            .namespace()
            .exec(Duration.ofSeconds(20), "ping", "-c", "3", "-W", "1", net.b20.address());
    List<String> onUnderlay = underlay.stop();
    List<String> atB20 = podB20.stop();

    assertThat(crossVlan.stdout()).contains("3 packets transmitted, 0 received");
    assertThat(onUnderlay).anyMatch(line -> line.contains("vni 10010"));
    assertThat(onUnderlay).anyMatch(line -> line.contains("vni 10020"));
    // tcpdump prints each datagram's outer headers on one line and its inner frame on the next.
    assertThat(onUnderlay)
        .filteredOn(line -> line.contains("4789: VXLAN"))
        .isNotEmpty()
        .allMatch(line -> line.contains("vni 10010") || line.contains("vni 10020"));
    assertThat(atB20).noneMatch(line -> line.contains(net.a10.mac()));
    assertThat(atB20).anyMatch(line -> line.contains(net.a20.mac()));
  }

  @Test
  void remoteMacsAreLearnedAgainstThePeerThatSentThem(NetworkLab lab, @TempDir Path work) {
    TwoNodeOverlay net = new TwoNodeOverlay(lab, work, 1500);

    Traffic.assertPingSucceeds(net.a10.namespace(), net.b10.address(), 2);

    assertThat(TwoNodeOverlay.sample(net.nodeA, "kvswitch_port_mac_entries{port=\"vxlan:node-b\"}"))
        .isEqualTo(1);
    assertThat(TwoNodeOverlay.sample(net.nodeB, "kvswitch_port_mac_entries{port=\"vxlan:node-a\"}"))
        .isEqualTo(1);
    assertThat(
            TwoNodeOverlay.sample(
                net.nodeA, "kvswitch_vxlan_rx_drops_total{reason=\"unknown_vni\"}"))
        .isZero();
  }

  @Test
  void malformedVxlanIsCountedAndDroppedWhileForwardingGoesOn(NetworkLab lab, @TempDir Path work) {
    TwoNodeOverlay net = new TwoNodeOverlay(lab, work, 1500);
    byte[] truncated = {0x08, 0, 0, 0};
    byte[] badFlags = new byte[8 + 60];
    badFlags[0] = 0x0C;
    byte[] unknownVni = new byte[8 + 60];
    unknownVni[0] = 0x08;
    unknownVni[6] = 30; // VNI 30: below vniBase, no VLAN
    // From node B's own address, so only the datagrams themselves are wrong.
    net.nodeB.call(
        () -> {
          try (DatagramChannel socket = DatagramChannel.open()) {
            socket.bind(new InetSocketAddress(TwoNodeOverlay.UNDERLAY_B, 0));
            InetSocketAddress vtepA = new InetSocketAddress(TwoNodeOverlay.UNDERLAY_A, 4789);
            for (byte[] datagram : List.of(truncated, badFlags, unknownVni)) {
              socket.send(ByteBuffer.wrap(datagram), vtepA);
            }
          }
          return null;
        });

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (String reason : List.of("truncated", "bad_flags", "unknown_vni")) {
                assertThat(
                        TwoNodeOverlay.sample(
                            net.nodeA, "kvswitch_vxlan_rx_drops_total{reason=\"" + reason + "\"}"))
                    .as(reason)
                    .isEqualTo(1);
              }
            });
    Traffic.assertPingSucceeds(net.a10.namespace(), net.b10.address(), 2);
  }

  @Test
  void anOversizePingWithDontFragmentIsDroppedAndCountedNotFragmented(
      NetworkLab lab, @TempDir Path work) {
    TwoNodeOverlay net = new TwoNodeOverlay(lab, work, 1500);
    Traffic.assertPingSucceeds(net.a10.namespace(), net.b10.address(), 1);

    PacketCapture underlay = lab.capture(net.nodeA, net.underlayA, "");
    // 1450 bytes of ICMP data: a 1478-byte IP packet, a 1492-byte frame, 1528 bytes encapsulated.
    CommandResult big =
        net.a10
            .namespace()
            .exec(
                Duration.ofSeconds(20),
                "ping",
                "-M",
                "do",
                "-s",
                "1450",
                "-c",
                "3",
                "-W",
                "1",
                net.b10.address());
    // The largest that fits: a 1464-byte frame, 1500 bytes encapsulated.
    CommandResult fits =
        net.a10
            .namespace()
            .exec(
                Duration.ofSeconds(20),
                "ping",
                "-M",
                "do",
                "-s",
                "1422",
                "-c",
                "3",
                "-W",
                "1",
                net.b10.address());
    List<String> onUnderlay = underlay.stop();

    assertThat(big.stdout()).as(big.describe()).contains("3 packets transmitted, 0 received");
    assertThat(fits.stdout()).as(fits.describe()).contains("3 packets transmitted, 3 received");
    assertThat(
            TwoNodeOverlay.sample(
                net.nodeA,
                "kvswitch_port_drops_total{port=\"vxlan:node-b\",reason=\"underlay_mtu_exceeded\"}"))
        .isEqualTo(3);
    assertThat(onUnderlay).noneMatch(line -> line.contains("frag") || line.contains("length 1542"));
    assertThat(onUnderlay).anyMatch(line -> line.contains("length 1514"));
  }

  /**
   * TCP between pods on two nodes with the pods' offloads on (as a CNI leaves them): their 64 KiB
   * GSO frames with unfinished checksums are cut into segments that fit the underlay, sent as UDP
   * GSO runs, and the byte stream arrives intact. Pod MTU 1450 leaves room for VXLAN's 50 bytes.
   * Then the same over IPv6: TCPv6 GSO frames are cut on node A and the segments joined into TCPv6
   * GSO frames on node B, counted apart from the IPv4 ones by reading the counters in between.
   */
  @Test
  void tcpWithThePodsOffloadsOnCrossesTheTunnelIntact(NetworkLab lab, @TempDir Path work) {
    TwoNodeOverlay net = new TwoNodeOverlay(lab, work, 1450);
    String features = net.a10.namespace().execOk("ethtool", "-k", net.a10.podDevice()).stdout();
    assertThat(features).contains("tcp-segmentation-offload: on", "tx-checksumming: on");

    Traffic.assertTcpTransferIntact(
        lab, net.a10.namespace(), net.b10.namespace(), net.b10.address(), 16 << 20, work);
    Traffic.assertTcpTransferIntact(
        lab, net.b10.namespace(), net.a10.namespace(), net.a10.address(), 4 << 20, work);

    String peerB = "{peer=\"node-b\",address=\"" + TwoNodeOverlay.UNDERLAY_B + "\"}";
    assertThat(TwoNodeOverlay.sample(net.nodeA, "kvswitch_vxlan_tx_segmented_frames_total" + peerB))
        .as("GSO frames cut on node A")
        .isPositive();
    String peerA = "{peer=\"node-a\",address=\"" + TwoNodeOverlay.UNDERLAY_A + "\"}";
    assertThat(TwoNodeOverlay.sample(net.nodeB, "kvswitch_vxlan_rx_coalesced_frames_total" + peerA))
        .as("GSO frames joined on node B")
        .isPositive();
    for (VxlanTxDrop reason : VxlanTxDrop.values()) {
      assertThat(
              TwoNodeOverlay.sample(
                  net.nodeA,
                  "kvswitch_vxlan_tx_offload_drops_total{reason=\"" + reason.label() + "\"}"))
          .as(reason.label())
          .isZero();
    }
    assertThat(
            TwoNodeOverlay.sample(
                net.nodeA,
                "kvswitch_port_drops_total{port=\"vxlan:node-b\",reason=\"transmit_refused\"}"))
        .isZero();

    String a6 = TwoNodeOverlay.addIpv6(net.a10, "fd00:10::1");
    String b6 = TwoNodeOverlay.addIpv6(net.b10, "fd00:10::2");
    assertThat(net.a10.namespace().execOk("ethtool", "-k", net.a10.podDevice()).stdout())
        .contains("tx-tcp6-segmentation: on");
    long segmentedBefore =
        TwoNodeOverlay.sample(net.nodeA, "kvswitch_vxlan_tx_segmented_frames_total" + peerB);
    long coalescedBefore =
        TwoNodeOverlay.sample(net.nodeB, "kvswitch_vxlan_rx_coalesced_frames_total" + peerA);

    Traffic.assertTcpTransferIntact(
        lab, net.a10.namespace(), net.b10.namespace(), b6, 16 << 20, work);

    assertThat(TwoNodeOverlay.sample(net.nodeA, "kvswitch_vxlan_tx_segmented_frames_total" + peerB))
        .as("TCPv6 GSO frames cut on node A")
        .isGreaterThan(segmentedBefore);
    assertThat(TwoNodeOverlay.sample(net.nodeB, "kvswitch_vxlan_rx_coalesced_frames_total" + peerA))
        .as("TCPv6 segments joined on node B")
        .isGreaterThan(coalescedBefore);
    Traffic.assertTcpTransferIntact(
        lab, net.b10.namespace(), net.a10.namespace(), a6, 4 << 20, work);
    for (VxlanTxDrop reason : VxlanTxDrop.values()) {
      assertThat(
              TwoNodeOverlay.sample(
                  net.nodeA,
                  "kvswitch_vxlan_tx_offload_drops_total{reason=\"" + reason.label() + "\"}"))
          .as(reason.label())
          .isZero();
    }
  }
}
