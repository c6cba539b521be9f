package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;

/** A client of a (mock) API server whose requests pass through a test's interceptor. */
final class ClientBehind {

  private ClientBehind() {}

  /**
   * Without retries, as the agent's lease stores are: a refused connection fails the request now,
   * not after retries with back-off.
   */
  static KubernetesClient interceptor(Config apiServer, Interceptor interceptor) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(apiServer)
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout(5_000)
                .build())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("test", interceptor))
        .build();
  }
}
