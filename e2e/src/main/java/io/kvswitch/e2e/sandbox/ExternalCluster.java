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
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

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
              + "."
              + tlsHint(e)
              + " Check that the cluster runs (kubectl --kubeconfig "
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
    // fabric8 keeps a kubeconfig's token as the "auto" token; an explicit one wins.
    user.setToken(
        config.getOauthToken() != null && !config.getOauthToken().isBlank()
            ? config.getOauthToken()
            : config.getAutoOAuthToken());
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

  /**
   * The {@code tls-server-name} of a kubeconfig's current context: the name the server's
   * certificate carries when the URL reaches it by another address, as the sandbox's kubeconfig
   * does against an https cluster (the relay's 198.18.0.1 is in no cluster's certificate).
   *
   * <p>kubectl and Go clients check the certificate against that name. fabric8's client has no
   * setting for it, and the JDK's HttpClient under it checks the URL's host. So the JVMs the
   * sandbox runs with that kubeconfig (the nodes' agents) get {@code
   * -Djdk.internal.httpclient.disableHostnameVerification=true} ({@link
   * KubeletStandIn#NO_HOSTNAME_CHECK}): the certificate must still chain to the cluster's
   * authority, which the kubeconfig carries; only the name check is left out, only for those
   * processes, and only when the kubeconfig has the field. The alternatives were worse: a relay
   * that ends TLS would need a certificate the cluster's authority signed, and would break client
   * certificate authentication; mapping the name to 198.18.0.1 for the agents (their /etc/hosts, or
   * the JDK's {@code jdk.net.hosts.file}) would keep the name check, but kind's and k3d's
   * kubeconfigs name the server by address (127.0.0.1, 0.0.0.0), which no hosts file maps, the
   * usual other name is {@code localhost}, which the agents need for themselves, and the JDK's
   * hosts file replaces all of a process's name resolution. The operator and the verbs run on the
   * host and use FILE itself.
   */
  static Optional<String> tlsServerName(Path kubeconfig) {
    try {
      io.fabric8.kubernetes.api.model.Config config =
          YAML.readValue(kubeconfig.toFile(), io.fabric8.kubernetes.api.model.Config.class);
      String clusterName =
          config.getContexts() == null
              ? null
              : config.getContexts().stream()
                  .filter(c -> Objects.equals(c.getName(), config.getCurrentContext()))
                  .filter(c -> c.getContext() != null)
                  .map(c -> c.getContext().getCluster())
                  .findFirst()
                  .orElse(null);
      return config.getClusters() == null
          ? Optional.empty()
          : config.getClusters().stream()
              .filter(c -> Objects.equals(c.getName(), clusterName) && c.getCluster() != null)
              .map(c -> c.getCluster().getTlsServerName())
              .filter(name -> name != null && !name.isBlank())
              .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Says what a TLS failure means for the user, or nothing for other failures. */
  private static String tlsHint(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLHandshakeException) {
        return " The server's certificate was refused: it is not signed by the certificate"
            + " authority the kubeconfig names (certificate-authority or"
            + " certificate-authority-data), or does not name the server's host.";
      }
    }
    return "";
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
