package io.kvswitch.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The operator's process configuration, from the environment variables the Helm chart sets (see
 * operator/README.md).
 *
 * @param namespace where the operator runs and creates per-switch agent objects
 * @param dataplaneImage image of the per-switch agent DaemonSet
 * @param dataplaneImagePullPolicy its pull policy
 * @param agentClusterRole ClusterRole each switch's agent ServiceAccount is bound to
 * @param leaderElection whether to take the {@code kvswitch-operator} Lease before reconciling
 * @param metricsPort port of {@code GET /metrics}
 * @param healthPort port of {@code GET /healthz} and {@code GET /readyz}
 * @param serverSideApply whether to write with server-side apply (off for API servers without it)
 */
public record OperatorConfig(
    String namespace,
    String dataplaneImage,
    String dataplaneImagePullPolicy,
    String agentClusterRole,
    boolean leaderElection,
    int metricsPort,
    int healthPort,
    boolean serverSideApply) {

  public static final String LEASE_NAME = "kvswitch-operator";

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    return new OperatorConfig(
        env.getOrDefault("KVSWITCH_NAMESPACE", "kvswitch-system"),
        env.getOrDefault(
            "KVSWITCH_DATAPLANE_IMAGE", "ghcr.io/kvswitch/dataplane:" + projectVersion()),
        env.getOrDefault("KVSWITCH_DATAPLANE_IMAGE_PULL_POLICY", "IfNotPresent"),
        env.getOrDefault("KVSWITCH_AGENT_CLUSTER_ROLE", "kvswitch-agent"),
        flag(env, "KVSWITCH_LEADER_ELECTION", true),
        port(env, "KVSWITCH_METRICS_PORT", 8080),
        port(env, "KVSWITCH_HEALTH_PORT", 8081),
        flag(env, "KVSWITCH_SERVER_SIDE_APPLY", true));
  }

  /** The version the build wrote into the jar, so operator and dataplane images match. */
  static String projectVersion() {
    Properties properties = new Properties();
    try (InputStream in =
        OperatorConfig.class.getResourceAsStream("/kvswitch-operator.properties")) {
      if (in == null) {
        throw new IllegalStateException("kvswitch-operator.properties is missing from the jar");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }

  private static boolean flag(Map<String, String> env, String name, boolean fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    };
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number, not '" + value + "'", e);
    }
  }
}
