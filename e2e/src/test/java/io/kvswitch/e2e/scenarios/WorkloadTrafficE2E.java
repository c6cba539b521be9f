package io.kvswitch.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Traffic through the whole system: DHCP leases from a real client, the reachability matrix of two
 * VLANs on two nodes, a VM's live migration, and an agent killed under load. Each scenario makes
 * its own switch, networks and workloads in one shared sandbox.
 */
@ExtendWith(SandboxExtension.class)
class WorkloadTrafficE2E {

  private static final Pattern PING_SUMMARY =
      Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

  @Test
  void aPodOnEachNodeGetsALeaseFromItsVlanNetwork(Sandbox sandbox) throws Exception {
    try (Scenario scenario = new Scenario(sandbox, "e2e-dhcp", 4790, 11000)) {
      scenario.network("lan", 11, "10.61.0", Scenario.dhcp("10.61.0", 10, 50));
      sandbox.awaitAgents(scenario.switchName());
      scenario.workload("pod", "dhcp-1", "node-1", "lan");
      scenario.workload("pod", "dhcp-2", "node-2", "lan");

      String first = sandbox.awaitLease("dhcp-1");
      String second = sandbox.awaitLease("dhcp-2");

      assertThat(List.of(first, second)).doesNotHaveDuplicates();
      for (String ip : List.of(first, second)) {
        int host = Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
        assertThat(ip).startsWith("10.61.0.");
        assertThat(host).isBetween(10, 50);
      }
      // The client configured what it was given, with the network's prefix.
      assertThat(sandbox.addresses("dhcp-1")).containsExactly(first + "/24");
      assertThat(sandbox.addresses("dhcp-2")).containsExactly(second + "/24");
      // The leases live in the API server, for the pods' MACs: the records in their blocks at
      // once (they were written before the ACKs), the DhcpLease objects shortly after.
      String[] expected = {
        sandbox.mac("dhcp-1") + " " + first, sandbox.mac("dhcp-2") + " " + second
      };
      assertThat(leaseRecords(sandbox, scenario.namespace())).contains(expected);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          sandbox
                              .client()
                              .resources(DhcpLease.class)
                              .inNamespace(scenario.namespace())
                              .list()
                              .getItems())
                      .extracting(l -> l.getSpec().getMac() + " " + l.getSpec().getIp())
                      .contains(expected));
    }
  }

  @Test
  void sameVlanReachesAcrossNodesAndDifferentVlansDoNot(Sandbox sandbox) throws Exception {
    try (Scenario scenario = new Scenario(sandbox, "e2e-matrix", 4791, 12000)) {
      // Both VLANs use one subnet, as two tenants may: only the VLAN keeps them apart.
      scenario.network("red", 21, "10.62.0", Scenario.noDhcp());
      scenario.network("blue", 22, "10.62.0", Scenario.noDhcp());
      sandbox.awaitAgents(scenario.switchName());
      List<String[]> pods =
          List.of(
              new String[] {"red-1", "node-1", "red", "10.62.0.11"},
              new String[] {"red-2", "node-2", "red", "10.62.0.12"},
              new String[] {"blue-1", "node-1", "blue", "10.62.0.21"},
              new String[] {"blue-2", "node-2", "blue", "10.62.0.22"});
      for (String[] pod : pods) {
        scenario.workload("pod", pod[0], pod[1], pod[2], "--dhcp-timeout", "0");
        sandbox.verbOk("exec", pod[0], "--", "ip", "addr", "add", pod[3] + "/24", "dev", "net1");
      }

      ReachabilityMatrix matrix = new ReachabilityMatrix(pods.stream().map(p -> p[0]).toList());
      for (String[] from : pods) {
        for (String[] to : pods) {
          if (from != to) {
            matrix.expect(from[0], to[0], from[2].equals(to[2]));
          }
        }
      }
      // A reachable pair may need a moment for the first ARP to be answered; a blocked pair
      // is given the same chance to leak.
      for (String[] from : pods) {
        for (String[] to : pods) {
          if (from != to) {
            boolean reached = false;
            for (int attempt = 0; attempt < 3 && !reached; attempt++) {
              reached = sandbox.ping(from[0], to[3], 3) > 0;
            }
            matrix.saw(from[0], to[0], reached);
          }
        }
      }
      matrix.assertAsExpected();
    }
  }

  @Test
  void aVmMigratesToTheOtherNodeAndKeepsItsAddress(Sandbox sandbox) throws Exception {
    try (Scenario scenario = new Scenario(sandbox, "e2e-move", 4792, 13000)) {
      scenario.network("lan", 31, "10.63.0", Scenario.dhcp("10.63.0", 10, 50));
      sandbox.awaitAgents(scenario.switchName());
      scenario.workload("vm", "vm-a", "node-1", "lan");
      scenario.workload("pod", "watcher", "node-2", "lan");
      String ip = sandbox.awaitLease("vm-a");
      sandbox.awaitLease("watcher");
      String mac = sandbox.mac("vm-a");
      await("watcher reaches vm-a before the move")
          .atMost(Duration.ofSeconds(30))
          .until(() -> sandbox.ping("watcher", ip, 2) > 0);

      // Pings every 100 ms through the move; the summary counts the lost ones.
      Process pinger =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  sandbox.netns("watcher"),
                  "ping",
                  "-i",
                  "0.1",
                  "-W",
                  "1",
                  ip)
              .redirectErrorStream(true)
              .start();
      String migrate = sandbox.verbOk("vm", "migrate", "vm-a", "--to", "node-2");
      Pod moved = sandbox.pod("vm-a");
      await("watcher reaches vm-a after the move")
          .atMost(Duration.ofSeconds(30))
          .until(() -> sandbox.ping("watcher", ip, 2) > 0);
      new ProcessBuilder("kill", "-INT", Long.toString(pinger.pid())).start().waitFor();
      String output = new String(pinger.getInputStream().readAllBytes());
      pinger.waitFor();
      Matcher summary = PING_SUMMARY.matcher(output);
      assertThat(summary.find()).as("ping output: %s", output).isTrue();
      int sent = Integer.parseInt(summary.group(1));
      int received = Integer.parseInt(summary.group(2));
      System.out.printf(
          "migration of vm-a node-1 -> node-2: %d of %d pings (every 100 ms) lost%n%s%n",
          sent - received, sent, migrate);

      assertThat(moved.getSpec().getNodeName()).isEqualTo("node-2");
      assertThat(sandbox.mac("vm-a")).isEqualTo(mac);
      assertThat(sandbox.addresses("vm-a")).containsExactly(ip + "/24");
      // Its DHCP client on the new node asks for the address again and keeps it.
      await("vm-a's lease renewed on node-2")
          .atMost(Duration.ofSeconds(30))
          .until(() -> sandbox.lease("vm-a"), Optional.of(ip)::equals);
      assertThat(received).as("pings answered around the move").isPositive();
    }
  }

  @Test
  void aKilledAgentIsRestartedWithoutLosingLeasesOrReachability(Sandbox sandbox) throws Exception {
    try (Scenario scenario = new Scenario(sandbox, "e2e-restart", 4793, 14000)) {
      scenario.network("lan", 41, "10.64.0", Scenario.dhcp("10.64.0", 10, 50));
      sandbox.awaitAgents(scenario.switchName());
      scenario.workload("pod", "near", "node-1", "lan");
      scenario.workload("pod", "near-2", "node-1", "lan");
      scenario.workload("pod", "far", "node-2", "lan");
      String near = sandbox.awaitLease("near");
      String near2 = sandbox.awaitLease("near-2");
      String far = sandbox.awaitLease("far");
      List<Long> before = sandbox.agentPids(scenario.switchName(), "node-1");
      assertThat(before).hasSize(1);

      new ProcessBuilder("kill", "-KILL", Long.toString(before.getFirst())).start().waitFor();

      String agentPod = "kvswitch-" + scenario.switchName() + "-node-1";
      await("the kubelet stand-in restarts the agent")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<Long> now = sandbox.agentPids(scenario.switchName(), "node-1");
                assertThat(now).hasSize(1).doesNotContainAnyElementsOf(before);
                Pod pod =
                    sandbox.client().pods().inNamespace("kvswitch-system").withName(agentPod).get();
                assertThat(pod.getStatus().getContainerStatuses())
                    .extracting(ContainerStatus::getRestartCount)
                    .containsExactly(1);
              });
      await("reachability back through the restarted agent")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(sandbox.ping("near", near2, 2)).as("near -> near-2").isPositive();
                assertThat(sandbox.ping("near", far, 2)).as("near -> far").isPositive();
              });
      // No lease lost: the same addresses on the pods and in the lease store.
      assertThat(sandbox.addresses("near")).containsExactly(near + "/24");
      assertThat(sandbox.lease("near")).contains(near);
      assertThat(leaseRecords(sandbox, scenario.namespace()))
          .extracting(record -> record.substring(record.indexOf(' ') + 1))
          .contains(near, near2, far);
    }
  }

  /** "MAC IP" of every lease record in the namespace's DhcpLeaseBlocks, as the API holds them. */
  private static List<String> leaseRecords(Sandbox sandbox, String namespace) {
    return sandbox
        .client()
        .resources(DhcpLeaseBlock.class)
        .inNamespace(namespace)
        .list()
        .getItems()
        .stream()
        .flatMap(block -> block.getSpec().getRecords().entrySet().stream())
        .map(record -> record.getValue().getMac() + " " + record.getKey())
        .toList();
  }
}
