package io.kvswitch.dataplane.port.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.Veth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The plug step of a CNI ADD: opening an AF_PACKET port on a veth host end that was just made, with
 * the default receive ring (8 MiB) against smaller ones, interleaved round by round (each round in
 * a rotated order, each open on a fresh veth) so that all see the same load on a shared machine.
 * Not part of the test run (the name matches neither *Test nor *IT); run with
 *
 * <pre>
 * ./mvnw -B -o -pl dataplane surefire:test -Dtest=PortOpenLatencyBenchmark
 * </pre>
 *
 * It prints the figures and asserts only that every port opened: timing goals are not assertions.
 */
@ExtendWith(NetworkLabExtension.class)
class PortOpenLatencyBenchmark {

  private static final int ROUNDS = 30;

  @Test
  void openOnAFreshVeth(NetworkLab lab) {
    Map<String, AfPacketOptions> variants = new LinkedHashMap<>();
    variants.put("defaults (V3, 32 x 256 KiB = 8 MiB)", AfPacketOptions.defaults());
    variants.put("pod port (V2, 2 KiB slots, 8 x 256 KiB = 2 MiB)", AfPacketOptions.podPort());
    variants.put("V3, 8 x 256 KiB = 2 MiB", AfPacketOptions.defaults().withRing(256 * 1024, 8));
    variants.put("V3, 4 x 256 KiB = 1 MiB", AfPacketOptions.defaults().withRing(256 * 1024, 4));
    variants.put("lowLatency (V2, 128 x 68 KiB = 8.5 MiB)", AfPacketOptions.lowLatency());
    List<String> names = List.copyOf(variants.keySet());
    Map<String, List<Long>> micros = new LinkedHashMap<>();
    names.forEach(name -> micros.put(name, new ArrayList<>()));
    // Round 0 is not counted: it pays for class loading and linking the native calls.
    for (int round = 0; round <= ROUNDS; round++) {
      NetNamespace pod = lab.namespace("p" + round);
      for (int turn = 0; turn < names.size(); turn++) {
        String name = names.get((round + turn) % names.size());
        Veth veth = lab.veth("h" + round + "x" + turn, pod, "n" + turn);
        long start = System.nanoTime();
        AfPacketPort port = AfPacketPort.open(veth.hostName(), variants.get(name));
        long elapsed = (System.nanoTime() - start) / 1_000;
        assertThat(port.name()).isEqualTo(veth.hostName());
        port.close();
        if (round > 0) {
          micros.get(name).add(elapsed);
        }
      }
    }
    micros.forEach(
        (name, values) ->
            System.out.printf(
                "AF_PACKET port opened on a fresh veth, %d rounds interleaved, %s: %s%n",
                ROUNDS, name, summary(values)));
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
