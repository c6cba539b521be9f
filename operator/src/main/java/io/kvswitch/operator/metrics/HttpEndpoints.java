package io.kvswitch.operator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoints: {@code GET /metrics} on one port, {@code GET /healthz} and {@code
 * GET /readyz} on another, served by the JDK's own server on virtual threads.
 */
public final class HttpEndpoints implements AutoCloseable {

  private final HttpServer metricsServer;
  private final HttpServer healthServer;

  private HttpEndpoints(HttpServer metricsServer, HttpServer healthServer) {
    this.metricsServer = metricsServer;
    this.healthServer = healthServer;
  }

  /**
   * @param ready whether the operator is ready (its informers are synced and healthy)
   */
  public static HttpEndpoints start(
      int metricsPort, int healthPort, Supplier<String> metrics, BooleanSupplier ready)
      throws IOException {
    HttpServer metricsServer = HttpServer.create(new InetSocketAddress(metricsPort), 16);
    metricsServer.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
    HttpServer healthServer = HttpServer.create(new InetSocketAddress(healthPort), 16);
    // Liveness only says the process answers: an API server outage must not restart the operator.
    healthServer.createContext(
        "/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    healthServer.createContext(
        "/readyz",
        exchange -> {
          boolean ok = ready.getAsBoolean();
          respond(exchange, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        });
    for (HttpServer server : new HttpServer[] {metricsServer, healthServer}) {
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
    }
    return new HttpEndpoints(metricsServer, healthServer);
  }

  public int metricsPort() {
    return metricsServer.getAddress().getPort();
  }

  public int healthPort() {
    return healthServer.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    metricsServer.stop(0);
    healthServer.stop(0);
  }
}
