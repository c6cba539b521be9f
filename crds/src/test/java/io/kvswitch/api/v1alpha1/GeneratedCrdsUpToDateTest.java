package io.kvswitch.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRD YAML committed under crds/manifests and in the chart is exactly what the build generates
 * from the model classes, so a model change cannot ship without its CRDs.
 */
class GeneratedCrdsUpToDateTest {

  private static final String HOW_TO_FIX =
      "the committed CRD YAML differs from what the build generates from the model classes;"
          + " run ./kvswitch regen-crds and commit crds/manifests and helm/kvswitch/crds";

  @Test
  void manifestsMatchTheModel() throws IOException {
    assertSameFiles(Crds.generated(), Crds.manifests());
  }

  @Test
  void chartCrdsMatchTheModel() throws IOException {
    assertSameFiles(Crds.generated(), Crds.chart());
  }

  private static void assertSameFiles(Path generated, Path committed) throws IOException {
    List<String> expected = yamlFiles(generated);
    assertThat(expected)
        .as("generated CRDs")
        .containsExactly(
            "addressblocks.kvswitch.io-v1.yml",
            "dhcpleaseblocks.kvswitch.io-v1.yml",
            "dhcpleases.kvswitch.io-v1.yml",
            "mirrorsessions.kvswitch.io-v1.yml",
            "switchnodestates.kvswitch.io-v1.yml",
            "switchports.kvswitch.io-v1.yml",
            "virtualswitches.kvswitch.io-v1.yml",
            "vlannetworks.kvswitch.io-v1.yml");
    assertThat(yamlFiles(committed)).as(HOW_TO_FIX).isEqualTo(expected);
    for (String name : expected) {
      assertThat(Files.readString(committed.resolve(name)))
          .as("%s: %s", committed.resolve(name), HOW_TO_FIX)
          .isEqualTo(Files.readString(generated.resolve(name)));
    }
  }

  private static List<String> yamlFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".yml") || n.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
