package io.kvswitch.dataplane.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The agent's settings, from the environment the DaemonSet gives it.
 *
 * @param nodeName {@code NODE_NAME} (downward API), required
 * @param switchName {@code KVSWITCH_SWITCH}, required
 * @param namespace {@code KVSWITCH_NAMESPACE}, where the agent runs
 * @param stateDirectory {@code KVSWITCH_STATE_DIR}, where the local copy of the state lives
 *     (default {@code /run/kvswitch/state}: on the host, so it outlives the container, and gone
 *     after a reboot, when no port is left to keep anyway)
 * @param cniSocket {@code KVSWITCH_CNI_SOCKET} (default {@code /run/kvswitch/cni-<switch>.sock}:
 *     one agent runs per switch on a node, so each needs its own socket; the plugin picks it by the
 *     network's {@code switch})
 * @param statusInterval {@code KVSWITCH_STATUS_INTERVAL_SECONDS}: how often counters are refreshed
 *     in the status, and a failed status write retried (default 30)
 * @param metricsPort {@code KVSWITCH_METRICS_PORT}: the TCP port of {@code GET /metrics}
 *     (Prometheus text) on every address of the node (default {@value #DEFAULT_METRICS_PORT}; 0: no
 *     endpoint)
 */
public record AgentConfig(
    String nodeName,
    String switchName,
    String namespace,
    Path stateDirectory,
    Path cniSocket,
    Duration statusInterval,
    int metricsPort) {

  public static final int DEFAULT_METRICS_PORT = 9464;

  public AgentConfig {
    if (metricsPort < 0 || metricsPort > 65_535) {
      throw new IllegalArgumentException(
          "KVSWITCH_METRICS_PORT must be a TCP port (0 for none): " + metricsPort);
    }
  }

  public static AgentConfig fromEnvironment(Map<String, String> env) {
    String node = required(env, "NODE_NAME");
    String switchName = required(env, "KVSWITCH_SWITCH");
    return new AgentConfig(
        node,
        switchName,
        env.getOrDefault("KVSWITCH_NAMESPACE", "kvswitch-system"),
        Path.of(env.getOrDefault("KVSWITCH_STATE_DIR", "/run/kvswitch/state")),
        Path.of(
            env.getOrDefault("KVSWITCH_CNI_SOCKET", "/run/kvswitch/cni-" + switchName + ".sock")),
        Duration.ofSeconds(
            Long.parseLong(env.getOrDefault("KVSWITCH_STATUS_INTERVAL_SECONDS", "30"))),
        metricsPort(env.getOrDefault("KVSWITCH_METRICS_PORT", "" + DEFAULT_METRICS_PORT)));
  }

  private static int metricsPort(String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "KVSWITCH_METRICS_PORT must be a TCP port (0 for none): '" + value + "'", e);
    }
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set");
    }
    return value;
  }

  /** The name of the SwitchNodeState this agent realizes. */
  public String stateName() {
    return switchName + "." + nodeName;
  }
}
