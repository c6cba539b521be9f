package io.kvswitch.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.runtime.CelEvaluationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates custom resources against a CustomResourceDefinition as the API server would: defaults
 * first, then the OpenAPI schema (types, ranges, patterns, required fields, unknown fields), then
 * every CEL rule. Tests use it to prove what the API server refuses, and the sandbox uses it to
 * refuse what its embedded API server would otherwise accept.
 */
public final class CustomResourceValidator {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> OBJECT_META_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private final String kind;
  private final JsonNode openApiSchema;
  private final JsonSchema jsonSchema;
  private final CelRules celRules = new CelRules();

  private CustomResourceValidator(String kind, JsonNode openApiSchema) {
    this.kind = kind;
    this.openApiSchema = openApiSchema;
    this.jsonSchema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
            .getSchema(withoutKubernetesExtensions(openApiSchema));
  }

  /** Reads a CRD (YAML or JSON) with one version and builds its validator. */
  public static CustomResourceValidator fromCrd(InputStream crd) {
    try {
      return fromCrd(YAML.readTree(crd));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds the validator of a CRD with one version. */
  public static CustomResourceValidator fromCrd(JsonNode crd) {
    JsonNode versions = crd.path("spec").path("versions");
    if (versions.size() != 1) {
      throw new IllegalArgumentException("expected a CRD with exactly one version");
    }
    JsonNode schema = versions.get(0).path("schema").path("openAPIV3Schema");
    if (schema.isMissingNode()) {
      throw new IllegalArgumentException("the CRD has no openAPIV3Schema");
    }
    return new CustomResourceValidator(
        crd.path("spec").path("names").path("kind").asText(), schema);
  }

  /** The kind this CRD defines. */
  public String kind() {
    return kind;
  }

  /** The object as the API server would store it: with every applicable default filled in. */
  public JsonNode withDefaults(JsonNode object) {
    JsonNode copy = object.deepCopy();
    SchemaDefaults.apply(openApiSchema, copy);
    return copy;
  }

  /** What the API server would refuse on create; empty when it would accept the object. */
  public List<Violation> validateCreate(JsonNode object) {
    return validate(object, null);
  }

  /** What the API server would refuse on update from {@code old}, transition rules included. */
  public List<Violation> validateUpdate(JsonNode object, JsonNode old) {
    return validate(object, withDefaults(old));
  }

  private List<Violation> validate(JsonNode object, JsonNode old) {
    JsonNode defaulted = withDefaults(object);
    List<Violation> violations = new ArrayList<>();
    if (!kind.equals(defaulted.path("kind").asText())) {
      violations.add(new Violation("kind", "expected " + kind));
    }
    ObjectNode body = ((ObjectNode) defaulted).deepCopy();
    body.remove(OBJECT_META_FIELDS);
    for (ValidationMessage message : jsonSchema.validate(body)) {
      violations.add(
          new Violation(fieldPath(message), message.getMessage().replaceFirst("^\\$[^:]*: ", "")));
    }
    checkUnknownFields(openApiSchema, body, "", violations);
    checkRules(openApiSchema, body, old == null ? null : stripMeta(old), "", violations);
    return violations;
  }

  private static JsonNode stripMeta(JsonNode object) {
    ObjectNode copy = ((ObjectNode) object).deepCopy();
    copy.remove(OBJECT_META_FIELDS);
    return copy;
  }

  private static String fieldPath(ValidationMessage message) {
    String location = message.getInstanceLocation().toString();
    String path = location.startsWith("$.") ? location.substring(2) : location.replace("$", "");
    if ("required".equals(message.getType()) && message.getProperty() != null) {
      return path.isEmpty() ? message.getProperty() : path + "." + message.getProperty();
    }
    return path;
  }

  /** Kubernetes refuses unknown fields under strict field validation, kubectl's default. */
  private static void checkUnknownFields(
      JsonNode schema, JsonNode value, String path, List<Violation> violations) {
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        String childPath = join(path, field.getKey());
        if (properties.has(field.getKey())) {
          checkUnknownFields(
              properties.get(field.getKey()), field.getValue(), childPath, violations);
        } else if (additional.isObject()) {
          checkUnknownFields(additional, field.getValue(), childPath, violations);
        } else if (!preserve) {
          violations.add(new Violation(childPath, "unknown field \"" + field.getKey() + "\""));
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        checkUnknownFields(schema.get("items"), value.get(i), path + "[" + i + "]", violations);
      }
    }
  }

  private void checkRules(
      JsonNode schema, JsonNode value, JsonNode old, String path, List<Violation> violations) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      String expression = rule.path("rule").asText();
      if (CelRules.isTransitionRule(expression) && old == null) {
        continue;
      }
      String where = path + rule.path("fieldPath").asText("");
      where = where.startsWith(".") ? where.substring(1) : where;
      try {
        if (!celRules.evaluate(expression, toCel(value), old == null ? null : toCel(old))) {
          violations.add(
              new Violation(where, rule.path("message").asText("failed rule: " + expression)));
        }
      } catch (CelEvaluationException e) {
        violations.add(new Violation(where, "rule could not be evaluated: " + e.getMessage()));
      }
    }
    if (value.isObject()) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        JsonNode childSchema =
            properties.has(field.getKey()) ? properties.get(field.getKey()) : additional;
        if (childSchema.isObject()) {
          JsonNode oldChild = old == null ? null : old.get(field.getKey());
          checkRules(
              childSchema, field.getValue(), oldChild, join(path, field.getKey()), violations);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      // Without x-kubernetes-list-type: map, list items have no old value to compare with.
      for (int i = 0; i < value.size(); i++) {
        checkRules(schema.get("items"), value.get(i), null, path + "[" + i + "]", violations);
      }
    }
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** JSON to the values CEL expects: maps, lists, int64, double, string, bool. */
  static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (!e.getValue().isNull()) {
          map.put(e.getKey(), toCel(e.getValue()));
        }
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      BigInteger big = node.bigIntegerValue();
      return big.longValueExact();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  private static JsonNode withoutKubernetesExtensions(JsonNode schema) {
    JsonNode copy = schema.deepCopy();
    stripExtensions(copy);
    return copy;
  }

  private static void stripExtensions(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> extensions = new ArrayList<>();
      object
          .fieldNames()
          .forEachRemaining(
              name -> {
                if (name.startsWith("x-kubernetes-")) {
                  extensions.add(name);
                }
              });
      object.remove(extensions);
      object.forEach(CustomResourceValidator::stripExtensions);
    } else if (node.isArray()) {
      node.forEach(CustomResourceValidator::stripExtensions);
    }
  }
}
