package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One plugin invocation as the plugin forwards it to the agent: the {@code CNI_*} environment and
 * the network configuration from stdin, unchanged.
 *
 * @param command ADD, DEL, CHECK or STATUS
 * @param containerId {@code CNI_CONTAINERID}
 * @param netns {@code CNI_NETNS}, a path such as {@code /var/run/netns/cni-1234}
 * @param ifName {@code CNI_IFNAME}
 * @param args {@code CNI_ARGS} split into its {@code KEY=VALUE} pairs
 * @param config the network configuration
 */
public record CniRequest(
    String command,
    String containerId,
    String netns,
    String ifName,
    Map<String, String> args,
    JsonNode config) {

  public CniRequest {
    args = args == null ? Map.of() : Map.copyOf(args);
  }

  /** {@code CNI_ARGS} ({@code K8S_POD_NAME=web-1;K8S_POD_NAMESPACE=apps;...}) as a map. */
  public static Map<String, String> parseArgs(String cniArgs) {
    Map<String, String> parsed = new LinkedHashMap<>();
    if (cniArgs == null || cniArgs.isBlank()) {
      return parsed;
    }
    for (String pair : cniArgs.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        parsed.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return parsed;
  }
}
