package io.kvswitch.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.http.HttpClient;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * fabric8 picks its HTTP client through ServiceLoader and warns when it finds several; the build
 * must put exactly one on the operator's class path.
 */
class HttpClientFactoryTest {

  @Test
  void exactlyOneHttpClientFactoryIsOnTheClassPath() {
    var factories =
        ServiceLoader.load(HttpClient.Factory.class).stream()
            .map(provider -> provider.type().getName())
            .toList();

    assertThat(factories)
        .containsExactly("io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory");
  }
}
