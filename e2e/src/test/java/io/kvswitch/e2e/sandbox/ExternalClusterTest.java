package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalClusterTest {

  @TempDir Path dir;

  private Path userKubeconfig() throws Exception {
    Files.writeString(dir.resolve("ca.crt"), "CA-BYTES");
    Files.writeString(dir.resolve("client.crt"), "CLIENT-CERT");
    Files.writeString(dir.resolve("client.key"), "CLIENT-KEY");
    Path file = dir.resolve("user-kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: other
          cluster:
            server: https://other.example:7443
        - name: kind-dev
          cluster:
            server: https://kind-control-plane.example:6443
            certificate-authority: %s
        users:
        - name: kind-dev
          user:
            client-certificate: %s
            client-key: %s
        contexts:
        - name: other
          context: {cluster: other, user: kind-dev}
        - name: kind-dev
          context: {cluster: kind-dev, user: kind-dev}
        current-context: kind-dev
        """
            .formatted(
                dir.resolve("ca.crt"), dir.resolve("client.crt"), dir.resolve("client.key")));
    return file;
  }

  @Test
  void theSandboxKubeconfigPointsAtTheRelayAndStillVerifiesTheRealServer() throws Exception {
    ExternalCluster cluster = ExternalCluster.read(userKubeconfig());
    assertThat(cluster.serverUrl()).isEqualTo("https://kind-control-plane.example:6443");

    Path written =
        cluster.writeSandboxKubeconfig(dir.resolve("out/kubeconfig"), "https://198.18.0.1:6443");

    Config config =
        Serialization.unmarshal(Files.readString(written, StandardCharsets.UTF_8), Config.class);
    NamedCluster only = config.getClusters().getFirst();
    assertThat(config.getClusters()).hasSize(1);
    assertThat(only.getCluster().getServer()).isEqualTo("https://198.18.0.1:6443");
    assertThat(only.getCluster().getTlsServerName()).isEqualTo("kind-control-plane.example");
    assertThat(decode(only.getCluster().getCertificateAuthorityData())).isEqualTo("CA-BYTES");
    var user = config.getUsers().getFirst().getUser();
    assertThat(decode(user.getClientCertificateData())).isEqualTo("CLIENT-CERT");
    assertThat(decode(user.getClientKeyData())).isEqualTo("CLIENT-KEY");
    assertThat(config.getCurrentContext()).isEqualTo(config.getContexts().getFirst().getName());
  }

  @Test
  void aTokenIsCarriedAndTheAgentsLearnThatTheServerIsNamedOtherwise() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: k3d
          cluster: {server: "https://localhost:6550"}
        users:
        - name: admin
          user: {token: s3cret}
        contexts:
        - name: k3d
          context: {cluster: k3d, user: admin}
        current-context: k3d
        """);

    Path https =
        ExternalCluster.read(file)
            .writeSandboxKubeconfig(dir.resolve("https/kubeconfig"), "https://198.18.0.1:6443");

    Config config =
        Serialization.unmarshal(Files.readString(https, StandardCharsets.UTF_8), Config.class);
    assertThat(config.getUsers().getFirst().getUser().getToken()).isEqualTo("s3cret");
    assertThat(ExternalCluster.tlsServerName(https)).contains("localhost");
    assertThat(ExternalCluster.tlsServerName(file)).isEmpty();
  }

  @Test
  void anUnreachableClusterIsNamedWithWhatToCheck() throws Exception {
    Path file = dir.resolve("gone");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster: {server: "http://127.0.0.1:1"}
        users:
        - name: gone
          user: {token: abc}
        contexts:
        - name: gone
          context: {cluster: gone, user: gone}
        current-context: gone
        """);
    ExternalCluster cluster = ExternalCluster.read(file);

    assertThatThrownBy(cluster::checkReachable)
        .hasMessageContaining("cannot reach the cluster's API server http://127.0.0.1:1")
        .hasMessageContaining(file.toAbsolutePath().toString())
        .hasMessageContaining("Check that the cluster runs");
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
