package io.kvswitch.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {

  private static HttpResponse<String> get(int port, String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void servesMetricsLivenessAndReadiness() throws Exception {
    OperatorMetrics metrics = new OperatorMetrics();
    VirtualSwitch vsw = new VirtualSwitch();
    vsw.setMetadata(new ObjectMetaBuilder().withName("fabric").build());
    metrics.reconcileCustomResource(vsw, null, Map.of());
    metrics.reconcileCustomResource(vsw, null, Map.of());
    metrics.failedReconciliation(vsw, new IllegalStateException("x"), Map.of());
    metrics.compiled(1_500_000_000L);
    AtomicBoolean ready = new AtomicBoolean(false);

    try (HttpEndpoints endpoints = HttpEndpoints.start(0, 0, metrics::render, ready::get)) {
      HttpResponse<String> scrape = get(endpoints.metricsPort(), "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(scrape.body())
          .contains("kvswitch_reconciles_total{kind=\"VirtualSwitch\"} 2\n")
          .contains("kvswitch_reconcile_errors_total{kind=\"VirtualSwitch\"} 1\n")
          .contains("kvswitch_compile_seconds_count 1\n")
          .contains("kvswitch_compile_seconds_sum 1.5\n")
          .contains("kvswitch_reconcile_queue_depth{kind=\"VirtualSwitch\"} 1\n")
          .contains("kvswitch_reconciles_in_progress{kind=\"VirtualSwitch\"} 0\n")
          .contains("# TYPE kvswitch_reconciles_total counter\n");

      metrics.reconciliationExecutionStarted(vsw, Map.of());
      assertThat(get(endpoints.metricsPort(), "/metrics").body())
          .contains("kvswitch_reconcile_queue_depth{kind=\"VirtualSwitch\"} 0\n")
          .contains("kvswitch_reconciles_in_progress{kind=\"VirtualSwitch\"} 1\n");

      assertThat(get(endpoints.healthPort(), "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(endpoints.healthPort(), "/readyz").statusCode()).isEqualTo(503);
      ready.set(true);
      assertThat(get(endpoints.healthPort(), "/readyz").statusCode()).isEqualTo(200);
    }
  }
}
