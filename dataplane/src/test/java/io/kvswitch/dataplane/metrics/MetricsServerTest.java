package io.kvswitch.dataplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private final InMemoryPort h1 = new InMemoryPort("h1");
  private final InMemoryPort h2 = new InMemoryPort("h2");
  private final Bridge bridge =
      Bridge.builder()
          .threads(1)
          .addPort(h1, PortVlanConfig.access(10))
          .addPort(h2, PortVlanConfig.access(10))
          .build();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private MetricsServer server;

  @BeforeEach
  void start() throws InterruptedException {
    server = MetricsServer.start("127.0.0.1", 0, () -> PrometheusText.render(bridge));
  }

  @AfterEach
  void stop() {
    server.close();
    bridge.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesPortAndMacTableCountersInPrometheusTextFormat() throws Exception {
    h1.inject(TestFrames.untagged("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 46));
    h1.inject(new byte[10]);
    h2.inject(TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 50));
    bridge.pollOnce();

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body().lines())
        .contains(
            "# HELP kvswitch_port_rx_packets_total Frames received.",
            "# TYPE kvswitch_port_rx_packets_total counter",
            "kvswitch_port_rx_packets_total{port=\"h1\"} 2",
            "kvswitch_port_rx_packets_total{port=\"h2\"} 1",
            "kvswitch_port_rx_bytes_total{port=\"h1\"} 70",
            "kvswitch_port_tx_packets_total{port=\"h1\"} 1",
            "kvswitch_port_tx_packets_total{port=\"h2\"} 1",
            "kvswitch_port_tx_bytes_total{port=\"h1\"} 64",
            "kvswitch_port_tx_bytes_total{port=\"h2\"} 60",
            "# TYPE kvswitch_port_drops_total counter",
            "kvswitch_port_drops_total{port=\"h1\",reason=\"runt\"} 1",
            "kvswitch_port_drops_total{port=\"h2\",reason=\"runt\"} 0",
            "kvswitch_port_drops_total{port=\"h2\",reason=\"transmit_refused\"} 0",
            "# TYPE kvswitch_port_mac_entries gauge",
            "kvswitch_port_mac_entries{port=\"h1\"} 1",
            "kvswitch_port_mac_entries{port=\"h2\"} 1",
            "# TYPE kvswitch_mac_table_entries gauge",
            "kvswitch_mac_table_entries 2",
            "kvswitch_mac_table_static_entries 0",
            "kvswitch_mac_table_events_total{event=\"learned\"} 2",
            "kvswitch_mac_table_events_total{event=\"moved\"} 0");
    assertThat(response.body().lines().filter(line -> !line.startsWith("#")))
        .as("4 port counters, 19 drop reasons and 1 MAC gauge per port, 2 gauges, 7 MAC events")
        .hasSize(2 * 4 + 2 * 19 + 2 + 2 + 7);
  }

  @Test
  void answersOtherPathsWith404AndOtherMethodsWith405() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    HttpRequest post =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
            .POST(HttpRequest.BodyPublishers.ofString("x"))
            .build();
    assertThat(client.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
  }

  @Test
  void escapesLabelValues() {
    assertThat(PrometheusText.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
  }
}
