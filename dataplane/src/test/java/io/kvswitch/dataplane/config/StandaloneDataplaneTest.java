package io.kvswitch.dataplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bond.ActiveBackupBond;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StandaloneDataplaneTest {

  @Test
  void runsTheExampleConfigWithMemoryPorts() throws Exception {
    StandaloneConfig config = ConfigLoader.parseYaml(ConfigLoaderTest.example());
    try (StandaloneDataplane dataplane =
        StandaloneDataplane.create(config, PortFactories.discover(), System::nanoTime)) {
      Bridge bridge = dataplane.bridge();
      assertThat(bridge.threadCount()).isEqualTo(2);
      // One from macLearning, one remote MAC behind the VXLAN peer.
      assertThat(bridge.macTableStats().staticEntries()).isEqualTo(2);
      assertThat(bridge.port(bridge.portIndex("vxlan:node-b")))
          .isSameAs(dataplane.tunnel().ports().getFirst());
      InMemoryPort h1 = (InMemoryPort) bridge.port(bridge.portIndex("h1"));
      InMemoryPort h2 = (InMemoryPort) bridge.port(bridge.portIndex("h2"));
      InMemoryPort h3 = (InMemoryPort) bridge.port(bridge.portIndex("h3"));
      ActiveBackupBond uplink = (ActiveBackupBond) bridge.port(bridge.portIndex("uplink"));
      InMemoryPort uplinkA = (InMemoryPort) uplink.members().getFirst();

      dataplane.start();
      h1.inject(TestFrames.untagged("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 46));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  uplinkA.sentCount() == 1
                      && dataplane.tunnel().ports().getFirst().txDatagrams() == 1);

      assertThat(h2.takeSent()).hasSize(1);
      assertThat(uplinkA.takeSent())
          .containsExactly(TestFrames.tagged("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 10, 46));
      assertThat(h3.sentCount()).isZero();

      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + dataplane.metricsPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.body().lines())
          .contains(
              "kvswitch_port_rx_packets_total{port=\"h1\"} 1",
              "kvswitch_port_tx_packets_total{port=\"uplink\"} 1",
              "kvswitch_port_tx_bytes_total{port=\"uplink\"} 64",
              "kvswitch_mac_table_static_entries 2",
              "kvswitch_mac_table_entries 3",
              "kvswitch_port_tx_packets_total{port=\"vxlan:node-b\"} 1",
              "kvswitch_vxlan_tx_datagrams_total{peer=\"node-b\",address=\"127.0.0.2\"} 1",
              "kvswitch_port_mac_entries{port=\"h1\"} 1",
              "kvswitch_bond_member_up{bond=\"uplink\",member=\"uplink-a\"} 1",
              "kvswitch_bond_member_up{bond=\"uplink\",member=\"uplink-b\"} 1",
              "kvswitch_bond_failovers_total{bond=\"uplink\"} 0");
    }
  }

  @Test
  void portsWithLearningOffLearnNothingAndAreReachedThroughStaticEntries() throws Exception {
    StandaloneConfig config =
        ConfigLoader.parseYaml(
            """
            threads: 1
            ports:
              - {name: h1, type: memory, mode: access, vlan: 1, learning: false}
              - {name: h2, type: memory, mode: access, vlan: 1, learning: false}
              - {name: h3, type: memory, mode: access, vlan: 1}
            macLearning:
              staticEntries:
                - {port: h1, vlan: 1, mac: "02:00:00:00:00:01"}
                - {port: h2, vlan: 1, mac: "02:00:00:00:00:02"}
            """);
    try (StandaloneDataplane dataplane =
        StandaloneDataplane.create(config, PortFactories.discover(), System::nanoTime)) {
      Bridge bridge = dataplane.bridge();
      InMemoryPort h1 = (InMemoryPort) bridge.port(bridge.portIndex("h1"));
      InMemoryPort h2 = (InMemoryPort) bridge.port(bridge.portIndex("h2"));
      InMemoryPort h3 = (InMemoryPort) bridge.port(bridge.portIndex("h3"));

      h1.inject(TestFrames.untagged("02:00:00:00:00:02", "02:00:00:00:00:01", 46));
      h1.inject(TestFrames.untagged("02:00:00:00:00:03", "02:00:00:00:00:11", 46));
      bridge.pollOnce();

      assertThat(h2.takeSent()).as("the static entry, and the flood").hasSize(2);
      assertThat(h3.takeSent()).as("only the flood").hasSize(1);
      assertThat(bridge.portStats(bridge.portIndex("h1")).macEntries()).isZero();

      h3.inject(TestFrames.untagged("02:00:00:00:00:11", "02:00:00:00:00:03", 46));
      bridge.pollOnce();
      assertThat(h1.takeSent()).as("02:..:11 was not learned on h1, so it floods").hasSize(1);
      assertThat(h2.takeSent()).hasSize(1);
      assertThat(bridge.portStats(bridge.portIndex("h3")).macEntries())
          .as("h3 learns")
          .isEqualTo(1);
    }
  }
}
