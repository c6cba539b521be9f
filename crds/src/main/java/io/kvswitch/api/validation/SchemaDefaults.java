package io.kvswitch.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies a structural schema's {@code default}s the way the API server does before it validates: a
 * missing property of an object that is present gets its default; absent objects stay absent. Null
 * fields that are not nullable are dropped first, as the API server prunes them.
 */
final class SchemaDefaults {

  private SchemaDefaults() {}

  static void apply(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      List<String> nulls = new ArrayList<>();
      object
          .properties()
          .forEach(
              e -> {
                if (e.getValue().isNull()) {
                  nulls.add(e.getKey());
                }
              });
      object.remove(nulls);
      for (Map.Entry<String, JsonNode> property : properties.properties()) {
        JsonNode propertySchema = property.getValue();
        if (!object.has(property.getKey()) && propertySchema.has("default")) {
          object.set(property.getKey(), propertySchema.get("default").deepCopy());
        }
        if (object.has(property.getKey())) {
          apply(propertySchema, object.get(property.getKey()));
        }
      }
      JsonNode additional = schema.path("additionalProperties");
      if (additional.isObject()) {
        object.forEach(child -> apply(additional, child));
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      array.forEach(item -> apply(schema.get("items"), item));
    }
  }
}
