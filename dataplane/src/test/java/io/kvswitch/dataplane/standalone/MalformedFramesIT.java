package io.kvswitch.dataplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.standalone.SwitchedPods.Pod;
import io.kvswitch.dataplane.testing.CommandResult;
import io.kvswitch.dataplane.testing.DataplaneProcess;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.Traffic;
import io.kvswitch.dataplane.testing.Veth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames no station should send, injected with trafgen (a raw packet socket) into the running
 * dataplane process: each kind is counted under its reason on {@code /metrics}, and forwarding goes
 * on.
 *
 * <p>Frames shorter than an Ethernet header cannot be injected here: the kernel refuses to send
 * them on a veth ({@code dev_validate_header}), and drops 802.1Q frames too short to hold their tag
 * before a packet socket sees them. Those two drops are covered by the forwarding core's unit tests
 * and the AF_PACKET port's own counters.
 */
@ExtendWith(NetworkLabExtension.class)
class MalformedFramesIT {

  private static final String POD_A = "02:4b:00:00:0a:01";

  @Test
  void malformedFramesAreCountedByReasonAndForwardingGoesOn(NetworkLab lab, @TempDir Path dir)
      throws Exception {
    SwitchedPods network = new SwitchedPods(lab);
    Pod a1 = network.pod("a1", 10, "10.85.0.1");
    Pod a2 = network.pod("a2", 10, "10.85.0.2");
    NetNamespace upstream = lab.namespace("up");
    SwitchedPods.withoutIpv6(upstream);
    Veth trunk = lab.vethBetween(network.switchNamespace(), "tr", upstream, "up");
    network.addPortYaml(
        "  - {name: trunk, type: afpacket, device: "
            + trunk.hostName()
            + ", mode: trunk, allowedVlans: \"10\"}\n");
    DataplaneProcess dataplane = network.start(dir);
    Traffic.assertPingSucceeds(a1.namespace(), a2.ip(), 2);

    String station = "02:4b:00:00:0a:77";
    // An 802.1Q frame on an access port.
    inject(a1.namespace(), a1.device(), 5, frame(POD_A, station, "8100000a0800", 46), dir);
    // Random bytes whose source address has the group bit set: no station sends from it.
    inject(a1.namespace(), a1.device(), 6, garbage(new Random(42)), dir);
    // The spanning tree's reserved address, never forwarded by a bridge.
    inject(a1.namespace(), a1.device(), 4, frame("01:80:c2:00:00:00", station, "0026", 46), dir);
    // VID 4095 is reserved.
    inject(upstream, trunk.peerName(), 7, frame(POD_A, station, "81000fff0800", 46), dir);
    // A VLAN the trunk does not carry.
    inject(upstream, trunk.peerName(), 3, frame(POD_A, station, "8100001e0800", 46), dir);

    Traffic.assertPingSucceeds(a1.namespace(), a2.ip(), 3);
    // The trunk's frames may be handled by the other forwarding thread; wait for its counters.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(drops(dataplane, "s-a1", "tagged_on_access_port")).isEqualTo(5);
              assertThat(drops(dataplane, "s-a1", "source_mac_multicast")).isEqualTo(6);
              assertThat(drops(dataplane, "s-a1", "link_local_destination")).isEqualTo(4);
              assertThat(drops(dataplane, "trunk", "bad_vlan_tag")).isEqualTo(7);
              assertThat(drops(dataplane, "trunk", "vlan_not_allowed")).isEqualTo(3);
            });
    assertThat(dataplane.isAlive()).isTrue();
  }

  private static long drops(DataplaneProcess dataplane, String port, String reason) {
    return dataplane.metric(
        "kvswitch_port_drops_total{port=\"" + port + "\",reason=\"" + reason + "\"}");
  }

  /** Sends {@code count} copies of {@code frame} out of {@code device} with trafgen. */
  private static void inject(
      NetNamespace namespace, String device, int count, byte[] frame, Path dir) throws Exception {
    StringJoiner bytes = new StringJoiner(", ", "{ ", " }\n");
    for (byte b : frame) {
      bytes.add(String.format("0x%02x", b & 0xff));
    }
    Path config = Files.createTempFile(dir, "frame", ".trafgen");
    Files.writeString(config, bytes.toString());
    CommandResult sent =
        namespace.exec(
            Duration.ofSeconds(30),
            "trafgen",
            "-o",
            device,
            "-i",
            config.toString(),
            "-n",
            String.valueOf(count),
            "-P",
            "1",
            "--no-sock-mem",
            "-Q",
            "-C");
    assertThat(sent.exitCode()).as(sent.describe()).isZero();
  }

  /** Destination, source, then {@code hex} (EtherType, tag...), then {@code payload} bytes. */
  private static byte[] frame(String destination, String source, String hex, int payload) {
    byte[] middle = HexFormat.of().parseHex(hex);
    byte[] frame = new byte[12 + middle.length + payload];
    System.arraycopy(mac(destination), 0, frame, 0, 6);
    System.arraycopy(mac(source), 0, frame, 6, 6);
    System.arraycopy(middle, 0, frame, 12, middle.length);
    for (int i = 0; i < payload; i++) {
      frame[12 + middle.length + i] = (byte) i;
    }
    return frame;
  }

  /** 60 random bytes with a multicast source and an EtherType that is not 802.1Q. */
  private static byte[] garbage(Random random) {
    byte[] frame = new byte[60];
    random.nextBytes(frame);
    frame[0] = 0x02;
    frame[6] |= 0x01;
    frame[12] = 0x3a;
    return frame;
  }

  private static byte[] mac(String text) {
    return HexFormat.ofDelimiter(":").parseHex(text);
  }
}
