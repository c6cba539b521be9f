package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * The parts of a kvswitch network configuration (what the operator writes into each
 * NetworkAttachmentDefinition) that plugging an interface needs, validated.
 *
 * @param cniVersion the version the runtime speaks
 * @param switchName the VirtualSwitch
 * @param network the VlanNetwork's name
 * @param networkNamespace the VlanNetwork's namespace
 * @param vlanId its VLAN
 * @param mtu the interface MTU
 */
public record NetworkConfig(
    String cniVersion,
    String switchName,
    String network,
    String networkNamespace,
    int vlanId,
    int mtu) {

  /** The versions whose ADD result this plugin writes. */
  public static final Set<String> SUPPORTED_VERSIONS = Set.of("1.0.0", "1.1.0");

  public static NetworkConfig parse(JsonNode config) {
    if (config == null || !config.isObject()) {
      throw new CniError(CniError.DECODING_FAILURE, "network configuration is not a JSON object");
    }
    String version = text(config, "cniVersion");
    if (!SUPPORTED_VERSIONS.contains(version)) {
      throw new CniError(
          CniError.INCOMPATIBLE_VERSION,
          "unsupported cniVersion '" + version + "'",
          "supported: " + String.join(", ", SUPPORTED_VERSIONS.stream().sorted().toList()));
    }
    if (!"kvswitch".equals(text(config, "type"))) {
      throw invalid("type must be 'kvswitch'");
    }
    String switchName = text(config, "switch");
    if (switchName.isEmpty()) {
      throw invalid("'switch' is required");
    }
    String network = text(config, "network");
    if (network.isEmpty()) {
      network = text(config, "name");
    }
    if (network.isEmpty()) {
      throw invalid("'network' (or 'name') is required");
    }
    JsonNode vlan = config.get("vlanId");
    if (vlan == null || !vlan.isInt() || vlan.asInt() < 1 || vlan.asInt() > 4094) {
      throw invalid("'vlanId' must be a number from 1 to 4094");
    }
    JsonNode mtuNode = config.get("mtu");
    int mtu = 1500;
    if (mtuNode != null) {
      if (!mtuNode.isInt() || mtuNode.asInt() < 68 || mtuNode.asInt() > 65535) {
        throw invalid("'mtu' must be a number from 68 to 65535");
      }
      mtu = mtuNode.asInt();
    }
    return new NetworkConfig(
        version, switchName, network, text(config, "networkNamespace"), vlan.asInt(), mtu);
  }

  private static CniError invalid(String message) {
    return new CniError(CniError.INVALID_NETWORK_CONFIG, message);
  }

  private static String text(JsonNode config, String field) {
    JsonNode value = config.get(field);
    return value == null || !value.isTextual() ? "" : value.asText();
  }
}
