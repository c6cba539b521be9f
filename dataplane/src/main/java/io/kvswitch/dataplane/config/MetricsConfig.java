package io.kvswitch.dataplane.config;

/**
 * Where the Prometheus endpoint listens.
 *
 * @param address the address to bind (127.0.0.1 when absent)
 * @param port the TCP port; 0 picks a free one
 */
public record MetricsConfig(String address, Integer port) {}
