package io.kvswitch.dataplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.standalone.SwitchedPods.Pod;
import io.kvswitch.dataplane.testing.DataplaneProcess;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.Traffic;
import io.kvswitch.dataplane.testing.Veth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An active-backup bond of two veths to an "upstream" namespace, whose two ends sit in a Linux
 * bridge there (as two ports of a physical switch would). A pod pings the upstream address while
 * the active member's link goes down; the bond moves to the other member and the pings go on.
 */
@ExtendWith(NetworkLabExtension.class)
class BondFailoverIT {

  private static final int PINGS = 250;
  private static final String INTERVAL = "0.02";

  /**
   * The most pings that may go unanswered: the bond notices the link loss on its next receive
   * round, and the upstream bridge relearns the pod's MAC from the first request on the new link,
   * so a handful is expected; 25 is half a second of pings.
   */
  private static final int MAX_LOST = 25;

  private static final Pattern SUMMARY =
      Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

  @Test
  void pingsContinueWhenTheActiveMemberGoesDown(NetworkLab lab, @TempDir Path dir)
      throws Exception {
    SwitchedPods network = new SwitchedPods(lab);
    Pod pod = network.pod("a1", 10, "10.84.0.1");
    NetNamespace upstream = lab.namespace("up");
    SwitchedPods.withoutIpv6(upstream);
    Veth first = lab.vethBetween(network.switchNamespace(), "m1", upstream, "u1");
    Veth second = lab.vethBetween(network.switchNamespace(), "m2", upstream, "u2");
    String bridge = lab.name("br");
    upstream.execOk("ip", "link", "add", bridge, "type", "bridge");
    upstream.execOk("ip", "link", "set", first.peerName(), "master", bridge);
    upstream.execOk("ip", "link", "set", second.peerName(), "master", bridge);
    upstream.execOk("ip", "link", "set", bridge, "up");
    upstream.execOk("ip", "addr", "add", "10.84.0.100/24", "dev", bridge);
    network.addBondYaml(
        "  - name: uplink\n"
            + "    bondMode: active-backup\n"
            + "    mode: access\n"
            + "    vlan: 10\n"
            + "    members:\n"
            + "      - {name: m1, type: afpacket, device: "
            + first.hostName()
            + "}\n"
            + "      - {name: m2, type: afpacket, device: "
            + second.hostName()
            + "}\n");
    DataplaneProcess dataplane = network.start(dir);
    // The path works (each ping answered, however slow a busy machine makes the first ones) and it
    // runs over m1: no member has taken over yet, so the failover below is the first.
    Traffic.assertPingSucceeds(pod.namespace(), "10.84.0.100", 3);
    assertThat(dataplane.metric("kvswitch_bond_failovers_total{bond=\"uplink\"}")).isZero();
    assertThat(dataplane.metric("kvswitch_bond_member_up{bond=\"uplink\",member=\"m1\"}"))
        .isEqualTo(1);

    Path output = dir.resolve("ping.txt");
    Process ping =
        lab.start(
            pod.namespace()
                .processBuilder(
                    "ping", "-c", String.valueOf(PINGS), "-i", INTERVAL, "-W", "1", "10.84.0.100")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile()));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Files.readString(output).lines().filter(l -> l.contains("bytes from")).count()
                    >= 50);
    network.switchNamespace().execOk("ip", "link", "set", first.hostName(), "down");
    await().atMost(Duration.ofSeconds(60)).until(() -> !ping.isAlive());

    String result = Files.readString(output);
    Matcher summary = SUMMARY.matcher(result);
    assertThat(summary.find()).as(result).isTrue();
    int lost = Integer.parseInt(summary.group(1)) - Integer.parseInt(summary.group(2));
    System.out.printf("bond failover: %d of %d pings (every %s s) lost%n", lost, PINGS, INTERVAL);
    assertThat(lost).as("pings lost during the failover\n" + result).isLessThanOrEqualTo(MAX_LOST);
    assertThat(dataplane.metric("kvswitch_bond_failovers_total{bond=\"uplink\"}")).isEqualTo(1);
    assertThat(dataplane.metric("kvswitch_bond_member_up{bond=\"uplink\",member=\"m1\"}")).isZero();
    assertThat(dataplane.metric("kvswitch_bond_member_up{bond=\"uplink\",member=\"m2\"}"))
        .isEqualTo(1);
    Traffic.assertPingSucceeds(pod.namespace(), "10.84.0.100", 3);
  }
}
