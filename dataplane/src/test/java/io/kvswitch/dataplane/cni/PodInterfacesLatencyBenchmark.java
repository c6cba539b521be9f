package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.testing.Commands;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's share of ADD: making a pod's veth pair through rtnetlink ({@link
 * NetlinkPodInterfaces}) against the three commands the agent ran before ({@code ip link add ...
 * peer ... netns}, {@code nsenter --net=... ip link set ... up}, {@code ip link set ... up}),
 * interleaved round by round so that both see the same load on a shared machine. Not part of the
 * test run (the name matches neither *Test nor *IT); run with
 *
 * <pre>
 * ./mvnw -B -o -pl dataplane surefire:test -Dtest=PodInterfacesLatencyBenchmark
 * </pre>
 *
 * It prints the figures and asserts only that every pair was made: timing goals are not assertions.
 */
@ExtendWith(NetworkLabExtension.class)
class PodInterfacesLatencyBenchmark {

  private static final int ROUNDS = 40;

  @Test
  void createVeth(NetworkLab lab) {
    NetlinkPodInterfaces netlink = new NetlinkPodInterfaces();
    List<Long> viaNetlink = new ArrayList<>();
    List<Long> viaCommands = new ArrayList<>();
    // Round 0 is not counted: it pays for class loading and linking the native calls.
    for (int i = 0; i <= ROUNDS; i++) {
      NetNamespace pod = lab.namespace("b" + i);
      String path = "/var/run/netns/" + pod.name();
      String host = lab.name("h" + i);
      lab.onClose(
          "veth " + host,
          () -> {
            if (Commands.run(List.of("ip", "link", "show", host)).succeeded()) {
              Commands.runOk("ip", "link", "del", host);
            }
          });
      boolean netlinkFirst = i % 2 == 0;
      for (int turn = 0; turn < 2; turn++) {
        boolean useNetlink = netlinkFirst == (turn == 0);
        long start = System.nanoTime();
        if (useNetlink) {
          netlink.createVeth(host, path, "net1", "02:4e:4c:00:00:01", 1500);
        } else {
          Commands.runOk(
              "ip",
              "link",
              "add",
              host,
              "mtu",
              "1500",
              "type",
              "veth",
              "peer",
              "name",
              "net1",
              "address",
              "02:4e:4c:00:00:01",
              "mtu",
              "1500",
              "netns",
              path);
          Commands.runOk("nsenter", "--net=" + path, "ip", "link", "set", "net1", "up");
          Commands.runOk("ip", "link", "set", host, "up");
        }
        long micros = (System.nanoTime() - start) / 1_000;
        String flags = pod.execOk("cat", "/sys/class/net/net1/flags").stdout().strip();
        assertThat(Integer.decode(flags) & 1).as("IFF_UP in %s", flags).isEqualTo(1);
        if (i > 0) {
          (useNetlink ? viaNetlink : viaCommands).add(micros);
        }
        assertThat(netlink.deleteHost(host)).isTrue();
      }
    }
    System.out.printf(
        "veth pair made, %d rounds interleaved: rtnetlink %s; ip/nsenter %s%n",
        ROUNDS, summary(viaNetlink), summary(viaCommands));
  }

  private static String summary(List<Long> micros) {
    List<Long> sorted = micros.stream().sorted().toList();
    return String.format(
        "p50 %.2f ms, p95 %.2f ms, min %.2f ms, max %.2f ms",
        percentile(sorted, 50) / 1000.0,
        percentile(sorted, 95) / 1000.0,
        sorted.getFirst() / 1000.0,
        sorted.getLast() / 1000.0);
  }

  /** Nearest-rank percentile. */
  private static long percentile(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
