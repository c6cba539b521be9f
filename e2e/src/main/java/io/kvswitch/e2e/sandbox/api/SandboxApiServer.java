package io.kvswitch.e2e.sandbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;

/**
 * The sandbox's Kubernetes API: fabric8's mock server in CRUD mode on loopback, extended (see
 * {@link SandboxDispatcher}) so that the operator, the agents and kubectl can all use it.
 */
public final class SandboxApiServer implements AutoCloseable {

  /** The version it reports; kubectl only warns about skew. */
  private static final VersionInfo VERSION =
      new VersionInfo.Builder()
          .withMajor("1")
          .withMinor("32")
          .withGitVersion("v1.32.0-kvswitch-sandbox")
          .withPlatform("linux/amd64")
          .build();

  private final KubernetesMockServer server;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  private SandboxApiServer(KubernetesMockServer server) {
    this.server = server;
  }

  /**
   * Starts the server on loopback.
   *
   * @param port TCP port, or 0 for any free one
   */
  public static SandboxApiServer start(int port) {
    return start(InetAddress.getLoopbackAddress(), port);
  }

  /** Starts the server on {@code address}. */
  public static SandboxApiServer start(InetAddress address, int port) {
    ObjectMapper json = new ObjectMapper();
    SandboxDispatcher dispatcher = new SandboxDispatcher(json, Clock.systemUTC(), VERSION);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false, VERSION);
    server.init(address, port);
    return new SandboxApiServer(server);
  }

  public String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  /** The URL by address rather than host name, for clients in other network namespaces. */
  public String url(InetAddress address) {
    return "http://" + address.getHostAddress() + ":" + server.getPort();
  }

  public int port() {
    return server.getPort();
  }

  /** A client of this server that does what the mock server supports (no server-side apply). */
  public KubernetesClient client() {
    return new KubernetesClientBuilder()
        .withConfig(
            new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl(url())
                .withNamespace("default")
                .build())
        .build();
  }

  /** Creates the CRDs in a YAML file, as {@code kubectl apply -f} would. */
  public void installCrds(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      installCrds(in);
    }
  }

  /** Creates the CRDs in a YAML stream. */
  public void installCrds(InputStream yaml) {
    try (KubernetesClient client = client()) {
      for (HasMetadata item : client.load(yaml).items()) {
        client.resource(item).createOr(NonDeletingOperation::update);
      }
    }
  }

  /** Writes a kubeconfig for kubectl and clients, with namespace {@code default}. */
  public Path writeKubeconfig(Path file) throws IOException {
    return writeKubeconfig(file, url());
  }

  /** Writes a kubeconfig that reaches this server at {@code serverUrl}. */
  public Path writeKubeconfig(Path file, String serverUrl) throws IOException {
    return writeKubeconfig(file, serverUrl, null);
  }

  /**
   * Writes a kubeconfig that reaches this server at {@code serverUrl} through a TLS front whose
   * certificate {@code authorityPem} signed (null: plain http).
   */
  public Path writeKubeconfig(Path file, String serverUrl, String authorityPem) throws IOException {
    Config config =
        new ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .withClusters(
                new NamedClusterBuilder()
                    .withName("kvswitch-sandbox")
                    .withNewCluster()
                    .withServer(serverUrl)
                    .withCertificateAuthorityData(
                        authorityPem == null
                            ? null
                            : java.util.Base64.getEncoder()
                                .encodeToString(
                                    authorityPem.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .endCluster()
                    .build())
            .withUsers(
                new NamedAuthInfoBuilder()
                    .withName("kvswitch-sandbox")
                    .withNewUser()
                    .withToken("sandbox")
                    .endUser()
                    .build())
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
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, serialization.asYaml(config));
    return file;
  }

  @Override
  public void close() {
    server.destroy();
  }

  /** Runs the server alone: {@code SandboxApiServer PORT KUBECONFIG [CRD.yaml...]}. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: SandboxApiServer PORT KUBECONFIG [CRD.yaml...]");
      System.exit(2);
    }
    SandboxApiServer server = start(Integer.parseInt(args[0]));
    for (int i = 2; i < args.length; i++) {
      server.installCrds(Path.of(args[i]));
    }
    Path kubeconfig = server.writeKubeconfig(Path.of(args[1]));
    System.out.println("API server at " + server.url() + ", kubeconfig " + kubeconfig);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    Thread.currentThread().join();
  }
}
