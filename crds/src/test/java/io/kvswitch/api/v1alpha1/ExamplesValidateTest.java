package io.kvswitch.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample under crds/examples is accepted as the API server would accept it. */
class ExamplesValidateTest {

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.walk(Crds.examples())) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleIsAccepted(Path file) {
    ObjectNode object = Crds.readYaml(file);

    assertThat(Crds.validator(object.path("kind").asText()).validateCreate(object))
        .as("violations of %s", Crds.examples().relativize(file))
        .isEmpty();
  }

  @Test
  void examplesCoverEveryKind() throws IOException {
    List<String> kinds = examples().map(f -> Crds.readYaml(f).path("kind").asText()).toList();

    assertThat(kinds).contains("VirtualSwitch", "VlanNetwork", "MirrorSession");
  }
}
