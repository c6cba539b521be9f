package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.frame.DhcpFrameCodec;
import io.kvswitch.dataplane.dhcp.lease.InMemoryNetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreCounters;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.metrics.MetricsServer;
import io.kvswitch.dataplane.port.InMemoryPort;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's {@code GET /metrics}: switch, overlay and DHCP metrics from a running engine. */
class AgentMetricsTest {

  private static byte[] broadcast(DhcpMessage message) {
    ByteBuf frame =
        DhcpFrameCodec.build(
            UnpooledByteBufAllocator.DEFAULT,
            message,
            message.clientMac().orElseThrow(),
            Ipv4Address.parse("0.0.0.0"),
            68,
            MacAddress.BROADCAST,
            Ipv4Address.parse("255.255.255.255"),
            67);
    try {
      byte[] bytes = new byte[frame.readableBytes()];
      frame.readBytes(bytes);
      return bytes;
    } finally {
      frame.release();
    }
  }

  @Test
  void aScrapeShowsTheSwitchTheOverlayAndTheDhcpServer() throws IOException, InterruptedException {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(dhcpVlan());
    spec.getPorts().add(port("apps/a", 10, "02:00:00:00:00:0a"));
    spec.getPorts().add(port("apps/b", 10, "02:00:00:00:00:0b"));
    try (DhcpNode node = new DhcpNode("fabric", "node-a", new InMemoryNetworkLeaseStores());
        MetricsServer server =
            MetricsServer.start(
                "127.0.0.1", 0, () -> AgentMetrics.render(node.bridge, node.engine));
        HttpClient http = HttpClient.newHttpClient()) {
      assertThat(node.apply(1, spec).succeeded()).isTrue();
      InMemoryPort a = node.hostEnd("apps/a");
      a.inject(broadcast(new TestClient("02:00:00:00:00:0a").discover()));
      await().atMost(Duration.ofSeconds(10)).until(() -> a.takeSent().size() == 1);
      // The one address is offered to a; b finds the pool empty.
      node.hostEnd("apps/b").inject(broadcast(new TestClient("02:00:00:00:00:0b").discover()));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> node.engine.dhcpCounters().drops().get("pool_exhausted") == 1);

      HttpResponse<String> scrape =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(scrape.statusCode()).isEqualTo(200);
      List<String> lines = scrape.body().lines().toList();
      assertThat(lines)
          .contains(
              "kvswitch_port_tx_packets_total{port=\"dhcp\"} 2",
              "kvswitch_vxlan_peers 0",
              "kvswitch_vxlan_rx_drops_total{reason=\"unknown_vni\"} 0",
              "kvswitch_vxlan_tx_segmented_frames_total 0",
              "kvswitch_vxlan_tx_gso_fallbacks_total 0",
              "kvswitch_vxlan_rx_coalesced_frames_total 0",
              "kvswitch_vxlan_tx_offload_drops_total{reason=\"segment_exceeds_underlay_mtu\"} 0",
              "kvswitch_dhcp_served_vlans 1",
              "kvswitch_dhcp_requests_total 2",
              "kvswitch_dhcp_replies_total 1",
              "kvswitch_dhcp_received_total{type=\"discover\"} 2",
              "kvswitch_dhcp_sent_total{type=\"offer\"} 1",
              "kvswitch_dhcp_sent_total{type=\"ack\"} 0",
              "kvswitch_dhcp_drops_total{reason=\"pool_exhausted\"} 1",
              "kvswitch_dhcp_drops_total{reason=\"queue_full\"} 0",
              "kvswitch_dhcp_pool_exhausted{network=\"apps/web\"} 1",
              "# TYPE kvswitch_dhcp_drops_total counter",
              // Leases in memory cost no API request.
              "kvswitch_dhcp_lease_store_requests_total 0",
              "kvswitch_dhcp_lease_projection_writes_total 0",
              "kvswitch_dhcp_lease_projection_pending 0");
      assertThat(lines.stream().filter(l -> l.startsWith("kvswitch_dhcp_drops_total{")))
          .as("every reason, zeros included")
          .hasSize(node.engine.dhcpCounters().drops().size());
    }
  }

  @Test
  void aScrapeShowsWhatTheLeaseStoresInTheApiServerCost() throws IOException, InterruptedException {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(dhcpVlan());
    spec.getPorts().add(port("apps/a", 10, "02:00:00:00:00:0a"));
    try (LeaseStoresInMockApi api =
            new LeaseStoresInMockApi().network("apps", "web", 10, "10.0.10.0/24");
        DhcpNode node = new DhcpNode("fabric", "node-a", api.storesOf("node-a"));
        MetricsServer server =
            MetricsServer.start(
                "127.0.0.1", 0, () -> AgentMetrics.render(node.bridge, node.engine));
        HttpClient http = HttpClient.newHttpClient()) {
      assertThat(node.apply(1, spec).succeeded()).isTrue();
      InMemoryPort a = node.hostEnd("apps/a");
      TestClient client = new TestClient("02:00:00:00:00:0a");
      a.inject(broadcast(client.discover()));
      await().atMost(Duration.ofSeconds(10)).until(() -> a.takeSent().size() == 1);
      a.inject(
          broadcast(
              client.select(Ipv4Address.parse("10.0.10.100"), Ipv4Address.parse("10.0.10.1"))));
      await().atMost(Duration.ofSeconds(10)).until(() -> a.takeSent().size() == 1);
      // The projection writes the lease's DhcpLease object after the ACK.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                LeaseStoreCounters store = node.engine.dhcpCounters().leaseStore();
                return store.projectionWrites() == 1 && store.projectionPending() == 0;
              });

      List<String> lines = scrape(http, server).lines().toList();

      assertThat(lines)
          .contains(
              "kvswitch_dhcp_sent_total{type=\"ack\"} 1",
              // The lease's block object created, then updated with the record.
              "kvswitch_dhcp_lease_store_requests_total 2",
              "kvswitch_dhcp_lease_store_block_conflicts_total 0",
              "kvswitch_dhcp_lease_store_foreign_blocks_total 0",
              "kvswitch_dhcp_lease_store_malformed_records_total 0",
              "kvswitch_dhcp_lease_store_imported_blocks_total 0",
              "kvswitch_dhcp_lease_projection_writes_total 1",
              "kvswitch_dhcp_lease_projection_conflicts_total 0",
              "kvswitch_dhcp_lease_projection_failures_total 0",
              "kvswitch_dhcp_lease_projection_pending 0",
              "# TYPE kvswitch_dhcp_lease_store_requests_total counter",
              "# TYPE kvswitch_dhcp_lease_projection_pending gauge");
      assertThat(lines.stream().filter(l -> l.startsWith("kvswitch_dhcp_lease_")))
          .as("one sample per lease store metric")
          .hasSize(9);
      assertThat(api.leaseObjects("apps"))
          .singleElement()
          .satisfies(lease -> assertThat(lease.getSpec().getIp()).isEqualTo("10.0.10.100"));
    }
  }

  /** VLAN 10 with DHCP and one address to hand out, 10.0.10.100. */
  private static SwitchNodeVlan dhcpVlan() {
    SwitchNodeVlan vlan = vlan(10, "apps/web");
    vlan.setGateway("10.0.10.1");
    DhcpSpec dhcp = new DhcpSpec();
    dhcp.setRangeStart("10.0.10.100");
    dhcp.setRangeEnd("10.0.10.100");
    vlan.setDhcp(dhcp);
    return vlan;
  }

  private static String scrape(HttpClient http, MetricsServer server)
      throws IOException, InterruptedException {
    HttpResponse<String> scrape =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    return scrape.body();
  }

  @Test
  void theMetricsPortComesFromTheEnvironment() {
    Map<String, String> env = Map.of("NODE_NAME", "node-a", "KVSWITCH_SWITCH", "fabric");
    assertThat(AgentConfig.fromEnvironment(env).metricsPort())
        .isEqualTo(AgentConfig.DEFAULT_METRICS_PORT);
    assertThat(
            AgentConfig.fromEnvironment(
                    Map.of(
                        "NODE_NAME",
                        "node-a",
                        "KVSWITCH_SWITCH",
                        "fabric",
                        "KVSWITCH_METRICS_PORT",
                        "0"))
                .metricsPort())
        .as("no endpoint")
        .isZero();
    for (String bad : List.of("http", "70000", "-1")) {
      assertThatIllegalArgumentException()
          .isThrownBy(
              () ->
                  AgentConfig.fromEnvironment(
                      Map.of(
                          "NODE_NAME",
                          "node-a",
                          "KVSWITCH_SWITCH",
                          "fabric",
                          "KVSWITCH_METRICS_PORT",
                          bad)))
          .withMessageContaining("KVSWITCH_METRICS_PORT must be a TCP port");
    }
  }
}
