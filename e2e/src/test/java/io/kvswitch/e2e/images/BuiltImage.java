package io.kvswitch.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An image as a module's build assembled it (target/jib-config-check.tar), with the chart's values
 * and Chart.yaml it has to agree with.
 */
record BuiltImage(ImageTarball image, JsonNode values, JsonNode chart) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static BuiltImage of(String module) throws IOException {
    Path tarball = Path.of("..", module, "target", "jib-config-check.tar");
    assertThat(tarball)
        .as("the %s module's build writes this; run ./kvswitch test, which builds it first", module)
        .exists();
    return new BuiltImage(
        ImageTarball.read(tarball),
        YAML.readTree(Path.of("../helm/kvswitch/values.yaml").toFile()),
        YAML.readTree(Path.of("../helm/kvswitch/Chart.yaml").toFile()));
  }

  /** The image name the chart deploys for {@code component} (operator or dataplane). */
  String chartImage(String component) {
    return values.at("/" + component + "/image/repository").asText()
        + ":"
        + chart.path("appVersion").asText();
  }
}
