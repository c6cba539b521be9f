package io.kvswitch.dataplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvswitch.dataplane.standalone.SwitchedPods.Pod;
import io.kvswitch.dataplane.testing.CommandResult;
import io.kvswitch.dataplane.testing.DataplaneProcess;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.PacketCapture;
import io.kvswitch.dataplane.testing.Traffic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataplane as a real process ({@code StandaloneMain}) in a switch namespace, with AF_PACKET
 * ports on veths to pod namespaces: what a user of the switch sees from the pods.
 */
@ExtendWith(NetworkLabExtension.class)
class StandaloneSwitchIT {

  private static final Pattern RECEIVED = Pattern.compile("(\\d+) received");

  /**
   * Three pods on VLAN 10 and two on VLAN 20, all in one /24 (tenants reuse subnets; only the VLAN
   * keeps them apart). Every pod pings every other: same VLAN answers, other VLAN never does, and
   * tcpdump on each pod sees not one frame from a pod of the other VLAN.
   */
  @Test
  void samePodsVlanReachesAndOtherVlanNeverSeesAFrame(NetworkLab lab, @TempDir Path dir) {
    SwitchedPods network = new SwitchedPods(lab);
    network.pod("a1", 10, "10.81.0.1");
    network.pod("a2", 10, "10.81.0.2");
    network.pod("a3", 10, "10.81.0.3");
    network.pod("b1", 20, "10.81.0.4");
    network.pod("b2", 20, "10.81.0.5");
    List<Pod> pods = network.pods();
    DataplaneProcess dataplane = network.start(dir);

    Map<Pod, PacketCapture> captures = new LinkedHashMap<>();
    for (Pod pod : pods) {
      String fromOtherVlans =
          pods.stream()
              .filter(other -> other.vlan() != pod.vlan())
              .map(other -> "ether src " + other.mac())
              .collect(Collectors.joining(" or "));
      captures.put(pod, lab.capture(pod.namespace(), pod.device(), fromOtherVlans));
    }

    List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
    for (Pod from : pods) {
      for (Pod to : pods) {
        attempts.add(
            from == to
                ? CompletableFuture.completedFuture(true)
                : CompletableFuture.supplyAsync(() -> answers(from, to)));
      }
    }
    boolean[][] seen = new boolean[pods.size()][pods.size()];
    boolean[][] expected = new boolean[pods.size()][pods.size()];
    for (int i = 0; i < pods.size(); i++) {
      for (int j = 0; j < pods.size(); j++) {
        seen[i][j] = attempts.get(i * pods.size() + j).join();
        expected[i][j] = pods.get(i).vlan() == pods.get(j).vlan();
      }
    }
    Map<String, List<String>> crossed = new LinkedHashMap<>();
    captures.forEach((pod, capture) -> crossed.put(pod.name(), capture.stop()));

    assertThat(seen).as(matrix(pods, expected, seen)).isDeepEqualTo(expected);
    assertThat(crossed)
        .as("frames from another VLAN seen on each pod")
        .allSatisfy((pod, frames) -> assertThat(frames).as(pod).isEmpty());
    assertThat(dataplane.metric("kvswitch_port_tx_packets_total{port=\"s-b1\"}"))
        .as("frames the switch sent to b1")
        .isPositive();
  }

  /**
   * After a1 and a2 have exchanged one ping, the switch knows both: the broadcast ARP of the first
   * exchange reaches a3, the unicast of twenty more pings does not.
   */
  @Test
  void afterTheFirstExchangeAThirdPortSeesNoUnicastBetweenTheTwo(
      NetworkLab lab, @TempDir Path dir) {
    SwitchedPods network = new SwitchedPods(lab);
    Pod a1 = network.pod("a1", 10, "10.82.0.1");
    Pod a2 = network.pod("a2", 10, "10.82.0.2");
    Pod a3 = network.pod("a3", 10, "10.82.0.3");
    DataplaneProcess dataplane = network.start(dir);

    PacketCapture firstExchange = lab.capture(a3.namespace(), a3.device(), "ether src " + a1.mac());
    Traffic.assertPingSucceeds(a1.namespace(), a2.ip(), 1);
    List<String> flooded = firstExchange.stop();

    PacketCapture later =
        lab.capture(
            a3.namespace(), a3.device(), "ether host " + a1.mac() + " and ether host " + a2.mac());
    Traffic.assertPingSucceeds(a1.namespace(), a2.ip(), 20);
    List<String> unicastAtA3 = later.stop();

    assertThat(flooded)
        .as("the first exchange's ARP request is flooded to a3")
        .anySatisfy(line -> assertThat(line).contains("ff:ff:ff:ff:ff:ff").contains("ARP"));
    assertThat(unicastAtA3).as("unicast between a1 and a2 seen at a3").isEmpty();
    assertThat(dataplane.metric("kvswitch_port_mac_entries{port=\"s-a1\"}")).isEqualTo(1);
    assertThat(dataplane.metric("kvswitch_port_mac_entries{port=\"s-a2\"}")).isEqualTo(1);
  }

  /**
   * TCP between two pods with the veths' offloads on: 64 KiB GSO frames cross the switch with their
   * offload headers, and the byte stream arrives intact (checksums finished by the receiver).
   */
  @Test
  void tcpCrossesWithOffloadsAtSpeedAndIntact(NetworkLab lab, @TempDir Path dir) throws Exception {
    SwitchedPods network = new SwitchedPods(lab);
    Pod a1 = network.pod("a1", 10, "10.83.0.1");
    Pod a2 = network.pod("a2", 10, "10.83.0.2");
    DataplaneProcess dataplane = network.start(dir);

    Traffic.assertTcpTransferIntact(
        lab, a1.namespace(), a2.namespace(), a2.ip(), 16 * 1024 * 1024, dir);

    lab.start(
        a2.namespace()
            .processBuilder("iperf3", "-s", "-1", "-B", a2.ip())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a2.namespace().execOk("ss", "-ltnH").stdout().contains(a2.ip() + ":5201"));
    CommandResult iperf =
        a1.namespace().exec(Duration.ofSeconds(30), "iperf3", "-c", a2.ip(), "-t", "3", "-J");
    assertThat(iperf.exitCode()).as(iperf.describe()).isZero();
    JsonNode end = new ObjectMapper().readTree(iperf.stdout()).path("end");
    double gbits = end.path("sum_received").path("bits_per_second").asDouble() / 1e9;
    System.out.printf(
        "iperf3 a1 -> a2 through the kvswitch process: %.2f Gbit/s, %d retransmits%n",
        gbits, end.path("sum_sent").path("retransmits").asLong());

    assertThat(gbits).as("iperf3 Gbit/s").isPositive();
    long packets = dataplane.metric("kvswitch_port_tx_packets_total{port=\"s-a2\"}");
    long bytes = dataplane.metric("kvswitch_port_tx_bytes_total{port=\"s-a2\"}");
    assertThat(bytes / packets)
        .as("mean frame towards a2: GSO frames crossed whole")
        .isGreaterThan(1514);
    assertThat(
            dataplane.metric(
                "kvswitch_port_drops_total{port=\"s-a2\",reason=\"segmentation_offload_unsupported\"}"))
        .isZero();
    assertThat(
            dataplane.metric(
                "kvswitch_port_drops_total{port=\"s-a2\",reason=\"transmit_refused\"}"))
        .isZero();
  }

  /** Whether {@code to} answers pings from {@code from} (one reply of three is enough). */
  private static boolean answers(Pod from, Pod to) {
    CommandResult ping =
        from.namespace()
            .exec(Duration.ofSeconds(30), "ping", "-c", "3", "-i", "0.2", "-W", "2", to.ip());
    Matcher received = RECEIVED.matcher(ping.stdout());
    return received.find() && Integer.parseInt(received.group(1)) > 0;
  }

  /** The matrix as a table: rows ping columns; "yes"/"no" expected, "!" where seen differs. */
  private static String matrix(List<Pod> pods, boolean[][] expected, boolean[][] seen) {
    StringBuilder table = new StringBuilder("reachability (row pings column), ! = unexpected\n");
    table.append(String.format("%-10s", "from\\to"));
    for (Pod pod : pods) {
      table.append(String.format("%-10s", pod.name() + "/" + pod.vlan()));
    }
    table.append('\n');
    for (int i = 0; i < pods.size(); i++) {
      table.append(String.format("%-10s", pods.get(i).name() + "/" + pods.get(i).vlan()));
      for (int j = 0; j < pods.size(); j++) {
        String cell = i == j ? "-" : seen[i][j] ? "yes" : "no";
        if (expected[i][j] != seen[i][j]) {
          cell = cell + "!";
        }
        table.append(String.format("%-10s", cell));
      }
      table.append('\n');
    }
    return table.toString();
  }
}
