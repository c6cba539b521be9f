package io.kvswitch.dataplane.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a {@link StandaloneConfig} from YAML or JSON and validates it. */
public final class ConfigLoader {

  private ConfigLoader() {}

  /**
   * Loads and validates a file: {@code .json} files as JSON, anything else as YAML.
   *
   * @throws ConfigException listing every problem, each with the path of its field
   */
  public static StandaloneConfig load(Path file) throws IOException, ConfigException {
    String text = Files.readString(file);
    boolean json = file.getFileName().toString().endsWith(".json");
    return parse(text, json, file.toString());
  }

  /** Parses and validates YAML text. */
  public static StandaloneConfig parseYaml(String yaml) throws ConfigException {
    return parse(yaml, false, "config");
  }

  private static StandaloneConfig parse(String text, boolean json, String source)
      throws ConfigException {
    if (text.isBlank()) {
      throw new ConfigException(source, List.of("the file is empty"));
    }
    ObjectMapper mapper = json ? new JsonMapper() : new YAMLMapper();
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    StandaloneConfig config;
    try {
      config = mapper.readValue(text, StandaloneConfig.class);
    } catch (JsonMappingException e) {
      throw new ConfigException(source, List.of(describe(e)));
    } catch (JacksonException e) {
      throw new ConfigException(
          source, List.of("not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage()));
    }
    if (config == null) {
      throw new ConfigException(source, List.of("the file is empty"));
    }
    List<String> problems = ConfigValidator.validate(config);
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    return config;
  }

  private static String describe(JsonMappingException e) {
    String path = path(e);
    String where = path.isEmpty() ? "" : path + ": ";
    return switch (e) {
      case UnrecognizedPropertyException unknown -> where + "unknown field";
      case InvalidFormatException format ->
          where
              + "'"
              + format.getValue()
              + "' is not a valid "
              + simpleName(format.getTargetType());
      case MismatchedInputException mismatch ->
          where + "expected " + simpleName(mismatch.getTargetType());
      default -> where + e.getOriginalMessage();
    };
  }

  private static String simpleName(Class<?> type) {
    if (type == null) {
      return "value";
    }
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return "whole number";
    }
    if (type == String.class) {
      return "text";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "boolean (true or false)";
    }
    if (List.class.isAssignableFrom(type)) {
      return "list";
    }
    return "object";
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }
}
