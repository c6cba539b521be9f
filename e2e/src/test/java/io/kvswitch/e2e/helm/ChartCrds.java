package io.kvswitch.e2e.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kvswitch.api.validation.CustomResourceValidator;
import io.kvswitch.api.validation.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The CRDs the chart installs, and validators built from them. */
final class ChartCrds {

  private static final YAMLMapper YAML = new YAMLMapper();

  private ChartCrds() {}

  static Path directory() {
    return KvswitchChart.directory().resolve("crds");
  }

  static List<Path> files() {
    try (Stream<Path> files = Files.list(directory())) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the API server would refuse about this kvswitch object, as the chart's CRDs say. */
  static List<Violation> validate(JsonNode object) {
    String kind = object.path("kind").asText();
    CustomResourceValidator validator = validators().get(kind);
    if (validator == null) {
      throw new AssertionError("the chart has no CRD for kind " + kind);
    }
    return validator.validateCreate(object);
  }

  private static Map<String, CustomResourceValidator> validators() {
    return files().stream()
        .map(ChartCrds::validator)
        .collect(Collectors.toMap(CustomResourceValidator::kind, Function.identity()));
  }

  private static CustomResourceValidator validator(Path crd) {
    try (InputStream in = Files.newInputStream(crd)) {
      return CustomResourceValidator.fromCrd(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
