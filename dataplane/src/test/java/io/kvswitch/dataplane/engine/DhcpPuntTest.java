package io.kvswitch.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.FakeClock;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.frame.TagEdit;
import io.kvswitch.dataplane.mirror.MirrorRule;
import io.kvswitch.dataplane.mirror.MirrorStats;
import io.kvswitch.dataplane.mirror.TrafficFilter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The core hands DHCP client requests from access ports to the VLAN's DHCP server port. */
class DhcpPuntTest {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final String CLIENT = "02:00:00:00:00:0a";
  private static final String ROUTER = "02:00:00:00:00:01";
  private static final String REMOTE = "02:00:00:00:00:0c";

  // 0: a client's access port in VLAN 10; 1: the router's access port in VLAN 10; 2: the DHCP
  // server port, a trunk of 10 and 20 without native VLAN; 3: an uplink trunk of 10 and 20;
  // 4: an access port of VLAN 20, which has no DHCP server.
  private static final int CLIENT_PORT = 0;
  private static final int ROUTER_PORT = 1;
  private static final int SERVER_PORT = 2;
  private static final int UPLINK = 3;
  private static final int VLAN_20_PORT = 4;

  private final FakeClock clock = new FakeClock();
  private final ForwardingCore core = new ForwardingCore(8, MacTableSettings.DEFAULTS);
  private final ForwardingResult result = new ForwardingResult(8);

  DhcpPuntTest() {
    core.setPort(CLIENT_PORT, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
    core.setPort(ROUTER_PORT, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
    core.setPort(
        SERVER_PORT, PortVlanConfig.trunk(VlanSet.of(10, 20), 0), StormControlSettings.UNLIMITED);
    core.setPort(
        UPLINK, PortVlanConfig.trunk(VlanSet.of(10, 20), 0), StormControlSettings.UNLIMITED);
    core.setPort(VLAN_20_PORT, PortVlanConfig.access(20), StormControlSettings.UNLIMITED);
    core.setDhcpServerPort(SERVER_PORT, VlanSet.of(10));
    // The router answered ARP for the gateway, so the switch knows its MAC.
    process(ROUTER_PORT, TestFrames.untagged(BROADCAST, ROUTER, 46));
  }

  private List<String> process(int ingress, byte[] frame) {
    MemorySegment segment = TestFrames.inNativeMemory(frame, 3);
    core.process(ingress, segment, 3, frame.length, clock.getAsLong(), result);
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < result.outputCount(); i++) {
      TagEdit edit = result.tagEdit(i);
      String vid = edit == TagEdit.PUSH || edit == TagEdit.REWRITE ? " " + result.egressVid(i) : "";
      outputs.add(result.port(i) + " " + edit + vid);
    }
    return outputs;
  }

  /** An IPv4 UDP frame with {@code optionWords} 4-byte words of IP options. */
  private static ByteBuffer udp(
      String destination, String source, int sourcePort, int destinationPort, int optionWords) {
    int ipHeader = 20 + 4 * optionWords;
    ByteBuffer frame = ByteBuffer.allocate(14 + ipHeader + 8 + 300);
    frame.put(TestFrames.untagged(destination, source, 0), 0, 12);
    frame.putShort((short) 0x0800);
    frame.put((byte) (0x40 | (ipHeader / 4))).put((byte) 0);
    frame.putShort((short) (ipHeader + 8 + 300));
    frame.putShort((short) 1).putShort((short) 0); // identification, no fragment
    frame.put((byte) 64).put((byte) 17).putShort((short) 0); // TTL, UDP, checksum unchecked here
    frame.putInt(0x0a000a64).putInt(0x0a000a01);
    for (int i = 0; i < optionWords; i++) {
      frame.putInt(0x01010101); // NOPs
    }
    frame.putShort((short) sourcePort).putShort((short) destinationPort);
    frame.putShort((short) (8 + 300)).putShort((short) 0);
    return frame;
  }

  private static byte[] renewal(String destination) {
    return udp(destination, CLIENT, 68, 67, 0).array();
  }

  private static byte[] withTag(byte[] untagged, int tci) {
    byte[] tagged = new byte[untagged.length + 4];
    System.arraycopy(untagged, 0, tagged, 0, 12);
    tagged[12] = (byte) 0x81;
    tagged[14] = (byte) (tci >>> 8);
    tagged[15] = (byte) tci;
    System.arraycopy(untagged, 12, tagged, 16, untagged.length - 12);
    return tagged;
  }

  @Test
  void aRenewalUnicastToTheRoutersMacGoesToTheServerPortAlone() {
    assertThat(process(CLIENT_PORT, renewal(ROUTER))).containsExactly("2 PUSH 10");
    assertThat(result.flooded()).isFalse();
    assertThat(result.vlan()).isEqualTo(10);
    assertThat(core.macTable().lookup(10, 0x0200_0000_000aL, clock.getAsLong()))
        .as("the client is learned on its port, so the server knows where it is")
        .isEqualTo(CLIENT_PORT);
  }

  @Test
  void aBroadcastRequestGoesToTheServerPortAloneNotToTheVlansOtherPorts() {
    assertThat(process(CLIENT_PORT, renewal(BROADCAST))).containsExactly("2 PUSH 10");
    assertThat(process(CLIENT_PORT, renewal("02:00:00:00:00:77")))
        .as("unknown unicast is not flooded either")
        .containsExactly("2 PUSH 10");
    assertThat(process(CLIENT_PORT, withTag(renewal(ROUTER), 0xa000)))
        .as("a priority-tagged request")
        .containsExactly("2 REWRITE 10");
  }

  @Test
  void requestsArrivingOnATrunkAreForwardedAsUsual() {
    byte[] frame = withTag(udp(ROUTER, REMOTE, 68, 67, 0).array(), 10);

    assertThat(process(UPLINK, frame)).containsExactly("1 POP");
  }

  @Test
  void aVlanWithoutAServerIsForwardedAsUsual() {
    process(UPLINK, TestFrames.tagged(BROADCAST, ROUTER, 20, 46));

    assertThat(process(VLAN_20_PORT, renewal(ROUTER))).containsExactly("3 PUSH 20");
  }

  @Test
  void otherUdpAndRepliesAreForwardedAsUsual() {
    assertThat(process(CLIENT_PORT, udp(ROUTER, CLIENT, 68, 53, 0).array()))
        .containsExactly("1 KEEP");
    assertThat(process(CLIENT_PORT, udp(ROUTER, CLIENT, 1067, 67, 0).array()))
        .containsExactly("1 KEEP");
    assertThat(process(CLIENT_PORT, udp(ROUTER, CLIENT, 67, 67, 0).array()))
        .as("a relay's datagram is not a client's")
        .containsExactly("1 KEEP");
    assertThat(process(CLIENT_PORT, udp(ROUTER, CLIENT, 67, 68, 0).array()))
        .containsExactly("1 KEEP");
    ByteBuffer tcp = udp(ROUTER, CLIENT, 68, 67, 0);
    tcp.put(14 + 9, (byte) 6);
    assertThat(process(CLIENT_PORT, tcp.array())).as("TCP").containsExactly("1 KEEP");
    ByteBuffer arp = udp(ROUTER, CLIENT, 68, 67, 0);
    arp.putShort(12, (short) 0x0806);
    assertThat(process(CLIENT_PORT, arp.array())).as("not IPv4").containsExactly("1 KEEP");
  }

  @Test
  void theUdpHeaderIsFoundAfterIpOptions() {
    assertThat(process(CLIENT_PORT, udp(ROUTER, CLIENT, 68, 67, 3).array()))
        .containsExactly("2 PUSH 10");
    ByteBuffer misleading = udp(ROUTER, CLIENT, 1000, 2000, 1);
    misleading.putShort(14 + 20, (short) 68).putShort(14 + 22, (short) 67);
    assertThat(process(CLIENT_PORT, misleading.array()))
        .as("ports 68 and 67 in the options, not in the UDP header")
        .containsExactly("1 KEEP");
  }

  @Test
  void fragmentsAndBrokenHeadersAreForwardedAsUsualAndNeverThrow() {
    ByteBuffer moreFragments = udp(ROUTER, CLIENT, 68, 67, 0);
    moreFragments.putShort(14 + 6, (short) 0x2000);
    assertThat(process(CLIENT_PORT, moreFragments.array())).containsExactly("1 KEEP");
    ByteBuffer laterFragment = udp(ROUTER, CLIENT, 68, 67, 0);
    laterFragment.putShort(14 + 6, (short) 0x0010);
    assertThat(process(CLIENT_PORT, laterFragment.array()))
        .as("payload that looks like ports 68 to 67")
        .containsExactly("1 KEEP");
    ByteBuffer dontFragment = udp(ROUTER, CLIENT, 68, 67, 0);
    dontFragment.putShort(14 + 6, (short) 0x4000);
    assertThat(process(CLIENT_PORT, dontFragment.array())).containsExactly("2 PUSH 10");

    ByteBuffer shortIhl = udp(ROUTER, CLIENT, 68, 67, 0);
    shortIhl.put(14, (byte) 0x44);
    assertThat(process(CLIENT_PORT, shortIhl.array())).containsExactly("1 KEEP");
    ByteBuffer ipv6Version = udp(ROUTER, CLIENT, 68, 67, 0);
    ipv6Version.put(14, (byte) 0x65);
    assertThat(process(CLIENT_PORT, ipv6Version.array())).containsExactly("1 KEEP");
    byte[] longOptions = udp(ROUTER, CLIENT, 68, 67, 10).array();
    longOptions[14] = 0x4f; // 60-byte header
    for (int cut : new int[] {14, 15, 33, 34, 41, 14 + 60 + 7}) {
      assertThat(process(CLIENT_PORT, Arrays.copyOf(longOptions, cut)))
          .as("cut to %d bytes, the UDP header past the end", cut)
          .containsExactly("1 KEEP");
    }
    assertThat(process(CLIENT_PORT, Arrays.copyOf(longOptions, 14 + 60 + 8)))
        .as("the UDP ports are there, just")
        .containsExactly("2 PUSH 10");
  }

  @Test
  void thePuntEndsWithTheServerPortOrItsVlan() {
    core.setPort(
        SERVER_PORT, PortVlanConfig.trunk(VlanSet.of(20), 0), StormControlSettings.UNLIMITED);
    assertThat(process(CLIENT_PORT, renewal(ROUTER)))
        .as("a server port that does not carry the VLAN gets nothing of it")
        .containsExactly("1 KEEP");

    core.setPort(
        SERVER_PORT, PortVlanConfig.trunk(VlanSet.of(10), 0), StormControlSettings.UNLIMITED);
    assertThat(process(CLIENT_PORT, renewal(ROUTER))).containsExactly("2 PUSH 10");
    core.setDhcpServerPort(SERVER_PORT, VlanSet.of());
    assertThat(process(CLIENT_PORT, renewal(ROUTER))).containsExactly("1 KEEP");

    core.setDhcpServerPort(SERVER_PORT, VlanSet.of(10));
    core.removePort(SERVER_PORT);
    core.setPort(
        SERVER_PORT, PortVlanConfig.trunk(VlanSet.of(10), 0), StormControlSettings.UNLIMITED);
    assertThat(process(CLIENT_PORT, renewal(ROUTER)))
        .as("a port plugged in at the removed one's index is no server")
        .containsExactly("1 KEEP");
  }

  @Test
  void aPuntedRequestIsStillMirroredAsTrafficOfTheClientsPort() {
    int analyser = 5;
    core.setPort(analyser, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
    core.setMirrors(
        List.of(
            new MirrorRule(
                analyser,
                new int[] {CLIENT_PORT},
                new int[0],
                TrafficFilter.ANY,
                0,
                1,
                new MirrorStats("apps/span"))));

    assertThat(process(CLIENT_PORT, renewal(ROUTER))).containsExactly("2 PUSH 10");
    assertThat(result.copyCount()).isEqualTo(1);
    assertThat(result.copyRule(0).destination()).isEqualTo(analyser);
  }

  @Test
  void decidingAllocatesNothingWhetherAFrameIsPuntedOrNot() {
    byte[][] frames = {
      renewal(ROUTER),
      udp(ROUTER, CLIENT, 68, 67, 2).array(),
      udp(ROUTER, CLIENT, 68, 53, 0).array(),
      TestFrames.untagged(ROUTER, CLIENT, 46)
    };
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment[] segments = new MemorySegment[frames.length];
      for (int i = 0; i < frames.length; i++) {
        segments[i] = arena.allocate(frames[i].length);
        MemorySegment.copy(MemorySegment.ofArray(frames[i]), 0, segments[i], 0, frames[i].length);
      }
      long now = clock.getAsLong();
      for (int round = 0; round < 15_000; round++) {
        for (int i = 0; i < frames.length; i++) {
          core.process(CLIENT_PORT, segments[i], 0, frames[i].length, now, result);
        }
      }
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int round = 0; round < 15_000; round++) {
        for (int i = 0; i < frames.length; i++) {
          core.process(CLIENT_PORT, segments[i], 0, frames[i].length, now, result);
        }
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

      assertThat(allocated).as("bytes allocated for 60,000 frames").isLessThan(1_000);
    }
  }
}
