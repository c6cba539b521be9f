package io.kvswitch.e2e.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * An existing cluster ({@code sandbox up --kubeconfig FILE}): its API server, reached from the
 * sandbox's nodes through a relay on the underlay, and the credentials of FILE's current context.
 */
final class ExternalCluster {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path file;
  private final Config config;
  private final URI server;

  private ExternalCluster(Path file, Config config) {
    this.file = file;
    this.config = config;
    this.server = URI.create(config.getMasterUrl());
  }

  /** Reads FILE's current context, as kubectl would. */
  static ExternalCluster read(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IOException("cannot read kubeconfig " + file);
    }
    return new ExternalCluster(file.toAbsolutePath(), Config.fromKubeconfig(file.toFile()));
  }

  Path file() {
    return file;
  }

  /** The API server's URL as FILE names it. */
  String serverUrl() {
    return server.getScheme() + "://" + server.getHost() + ":" + address().getPort();
  }

  /** Where the relay connects to. */
  InetSocketAddress address() {
    int port = server.getPort();
    if (port < 0) {
      port = "https".equals(server.getScheme()) ? 443 : 80;
    }
    return InetSocketAddress.createUnresolved(server.getHost(), port);
  }

  /** A client that talks to the cluster directly, with FILE's credentials. */
  KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder(config).build()).build();
  }

  /**
   * Fails with a message that names the server and what to check when the cluster does not answer:
   * better now than after the underlay and nodes are built.
   */
  void checkReachable() {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(config)
                    .withConnectionTimeout(5_000)
                    .withRequestTimeout(10_000)
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()) {
      client.getKubernetesVersion();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot reach the cluster's API server "
              + serverUrl()
              + " (current context of "
              + file
              + "): "
              + rootMessage(e)
              + ". Check that the cluster runs (kubectl --kubeconfig "
              + file
              + " get nodes) and that the current context is the cluster you mean.",
          e);
    }
  }

  /**
   * Writes the kubeconfig the sandbox hands out: the relay's URL, {@code tls-server-name} set to
   * the real server's host so that its certificate still verifies, and FILE's credentials with
   * every referenced file read and inlined (the nodes' agents cannot see the user's files).
   */
  Path writeSandboxKubeconfig(Path target, String relayUrl) throws IOException {
    Cluster cluster = new Cluster();
    cluster.setServer(relayUrl);
    if ("https".equals(server.getScheme())) {
      cluster.setTlsServerName(server.getHost());
    }
    cluster.setCertificateAuthorityData(
        inline(config.getCaCertData(), config.getCaCertFile(), "certificate authority"));
    if (Boolean.TRUE.equals(config.isTrustCerts())) {
      cluster.setInsecureSkipTlsVerify(true);
    }
    AuthInfo user = new AuthInfo();
    user.setClientCertificateData(
        inline(config.getClientCertData(), config.getClientCertFile(), "client certificate"));
    user.setClientKeyData(
        inline(config.getClientKeyData(), config.getClientKeyFile(), "client key"));
    user.setToken(config.getOauthToken());
    user.setUsername(config.getUsername());
    user.setPassword(config.getPassword());
    io.fabric8.kubernetes.api.model.Config kubeconfig =
        new io.fabric8.kubernetes.api.model.ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .withClusters(
                new NamedClusterBuilder().withName("kvswitch-sandbox").withCluster(cluster).build())
            .withUsers(
                new NamedAuthInfoBuilder().withName("kvswitch-sandbox").withUser(user).build())
            .withContexts(
                new NamedContextBuilder()
                    .withName("kvswitch-sandbox")
                    .withNewContext()
                    .withCluster("kvswitch-sandbox")
                    .withUser("kvswitch-sandbox")
                    .withNamespace("default")
                    .endContext()
                    .build())
            .withCurrentContext("kvswitch-sandbox")
            .build();
    Files.createDirectories(target.toAbsolutePath().getParent());
    YAML.writeValue(target.toFile(), kubeconfig);
    return target;
  }

  /** Base64 data as kubeconfig's {@code *-data} fields hold it, from the data or the file. */
  private static String inline(String data, String file, String what) throws IOException {
    if (data != null && !data.isBlank()) {
      return data;
    }
    if (file == null || file.isBlank()) {
      return null;
    }
    Path path = Path.of(file);
    if (!Files.isReadable(path)) {
      throw new IOException("the kubeconfig names " + what + " file " + file + ", unreadable");
    }
    return Base64.getEncoder().encodeToString(Files.readAllBytes(path));
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
