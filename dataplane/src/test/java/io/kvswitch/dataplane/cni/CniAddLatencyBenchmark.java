package io.kvswitch.dataplane.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.dataplane.agent.HostInterfaces;
import io.kvswitch.dataplane.testing.Commands;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADD latency end to end: the plugin process started as Multus starts it, until it exits with the
 * interface made, plugged in and recorded. Not part of the test run (the name matches neither *Test
 * nor *IT); run it with the packaged plugin, as CNI.md shows. It prints the figures and asserts
 * only that every call worked: timing goals are not assertions.
 */
@ExtendWith(NetworkLabExtension.class)
@EnableKubernetesMockClient(crud = true)
class CniAddLatencyBenchmark {

  private static final int RUNS = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  KubernetesClient client;

  @TempDir Path run;

  @Test
  void addLatency(NetworkLab lab) throws Exception {
    try (TestAgent agent = new TestAgent(client, run)) {
      ObjectNode config = JSON.createObjectNode();
      config.put("cniVersion", "1.0.0");
      config.put("name", "web");
      config.put("type", "kvswitch");
      config.put("switch", "fabric");
      config.put("vlanId", 10);
      config.put("socket", agent.socket().toString());
      // One call first, not counted: the first run pays for filling the page cache.
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i <= RUNS; i++) {
        NetNamespace pod = lab.namespace("b" + i);
        String podName = lab.prefix() + "-bench-" + i;
        String host = HostInterfaces.forPort("apps/" + podName + "-net1");
        lab.onClose(
            "veth " + host,
            () -> {
              if (Commands.run(List.of("ip", "link", "show", host)).succeeded()) {
                Commands.runOk("ip", "link", "del", host);
              }
            });
        PluginProcess.Call add =
            PluginProcess.run(
                Map.of(
                    "CNI_COMMAND", "ADD",
                    "CNI_CONTAINERID", "bench-" + i,
                    "CNI_NETNS", "/var/run/netns/" + pod.name(),
                    "CNI_IFNAME", "net1",
                    "CNI_ARGS", "K8S_POD_NAMESPACE=apps;K8S_POD_NAME=" + podName),
                config.toString());
        assertThat(add.exit()).as("ADD %d: %s", i, add.output()).isZero();
        if (i > 0) {
          millis.add(add.nanos() / 1_000_000);
        }
      }
      List<Long> sorted = millis.stream().sorted().toList();
      System.out.printf(
          "CNI ADD end to end, %d runs, plugin %s: p50 %d ms, p95 %d ms, min %d ms, max %d ms%n"
              + "all (ms): %s%n",
          RUNS,
          PluginProcess.command().getFirst(),
          percentile(sorted, 50),
          percentile(sorted, 95),
          sorted.getFirst(),
          sorted.getLast(),
          millis);
    }
  }

  /** Nearest-rank percentile. */
  private static long percentile(List<Long> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
