package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalInt;
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
    return of(new TreeFields(config));
  }

  /** Checks the fields of a configuration that is known to be a JSON object. */
  static NetworkConfig of(ConfigFields config) {
    String version = config.text("cniVersion");
    if (!SUPPORTED_VERSIONS.contains(version)) {
      throw new CniError(
          CniError.INCOMPATIBLE_VERSION,
          "unsupported cniVersion '" + version + "'",
          "supported: " + String.join(", ", SUPPORTED_VERSIONS.stream().sorted().toList()));
    }
    if (!"kvswitch".equals(config.text("type"))) {
      throw invalid("type must be 'kvswitch'");
    }
    String switchName = config.text("switch");
    if (switchName.isEmpty()) {
      throw invalid("'switch' is required");
    }
    String network = config.text("network");
    if (network.isEmpty()) {
      network = config.text("name");
    }
    if (network.isEmpty()) {
      throw invalid("'network' (or 'name') is required");
    }
    OptionalInt vlan = config.integer("vlanId");
    if (vlan.isEmpty() || vlan.getAsInt() < 1 || vlan.getAsInt() > 4094) {
      throw invalid("'vlanId' must be a number from 1 to 4094");
    }
    int mtu = 1500;
    if (config.has("mtu")) {
      OptionalInt mtuValue = config.integer("mtu");
      if (mtuValue.isEmpty() || mtuValue.getAsInt() < 68 || mtuValue.getAsInt() > 65535) {
        throw invalid("'mtu' must be a number from 68 to 65535");
      }
      mtu = mtuValue.getAsInt();
    }
    return new NetworkConfig(
        version, switchName, network, config.text("networkNamespace"), vlan.getAsInt(), mtu);
  }

  private static CniError invalid(String message) {
    return new CniError(CniError.INVALID_NETWORK_CONFIG, message);
  }

  /** The fields of a parsed configuration, as the agent receives it. */
  private record TreeFields(JsonNode config) implements ConfigFields {

    @Override
    public boolean has(String name) {
      return config.has(name);
    }

    @Override
    public String text(String name) {
      JsonNode value = config.get(name);
      return value == null || !value.isTextual() ? "" : value.asText();
    }

    @Override
    public OptionalInt integer(String name) {
      JsonNode value = config.get(name);
      return value == null || !value.isInt() ? OptionalInt.empty() : OptionalInt.of(value.asInt());
    }
  }
}
