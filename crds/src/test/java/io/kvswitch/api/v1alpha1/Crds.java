package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kvswitch.api.validation.CustomResourceValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Where the build puts the CRDs and examples, and validators built from what it generated. */
final class Crds {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Map<String, String> PLURALS =
      Map.of(
          "VirtualSwitch", "virtualswitches",
          "VlanNetwork", "vlannetworks",
          "MirrorSession", "mirrorsessions",
          "SwitchNodeState", "switchnodestates",
          "SwitchPort", "switchports",
          "DhcpLease", "dhcpleases",
          "AddressBlock", "addressblocks",
          "DhcpLeaseBlock", "dhcpleaseblocks");

  private static final Map<String, CustomResourceValidator> VALIDATORS = new ConcurrentHashMap<>();

  private Crds() {}

  static Path generated() {
    return dir("kvswitch.crds.generated");
  }

  static Path manifests() {
    return dir("kvswitch.crds.manifests");
  }

  static Path chart() {
    return dir("kvswitch.crds.chart");
  }

  static Path examples() {
    return dir("kvswitch.crds.examples");
  }

  private static Path dir(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(property + " is not set; run the tests through Maven");
    }
    return Path.of(value);
  }

  /** The validator for a kind, built from the CRD YAML the build generated from the model. */
  static CustomResourceValidator validator(String kind) {
    return VALIDATORS.computeIfAbsent(
        kind,
        k -> {
          String file = PLURALS.get(k) + ".kvswitch.io-v1.yml";
          try (InputStream in = Files.newInputStream(generated().resolve(file))) {
            return CustomResourceValidator.fromCrd(in);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  static ObjectNode readYaml(Path file) {
    try {
      return (ObjectNode) YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode example(String name) {
    return readYaml(examples().resolve(name));
  }

  static JsonNode yamlValue(String flow) {
    try {
      return YAML.readTree(flow);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
