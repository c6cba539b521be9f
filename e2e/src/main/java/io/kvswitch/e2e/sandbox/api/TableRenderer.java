package io.kvswitch.e2e.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders custom resources as the {@code meta.k8s.io/v1 Table} kubectl asks for, from the CRD's
 * {@code additionalPrinterColumns}, so {@code kubectl get} shows the same columns as on a real
 * cluster.
 */
final class TableRenderer {

  private final ObjectMapper json;
  private final Clock clock;
  private final Configuration jsonPath =
      Configuration.builder()
          .jsonProvider(new JacksonJsonNodeJsonProvider())
          .mappingProvider(new JacksonMappingProvider())
          .options(Option.SUPPRESS_EXCEPTIONS, Option.ALWAYS_RETURN_LIST)
          .build();

  TableRenderer(ObjectMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
  }

  /** Whether the client asked for a Table, as kubectl get does. */
  static boolean wantsTable(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  ObjectNode render(JsonNode listOrObject, JsonNode crdVersion) {
    List<JsonNode> columns = new ArrayList<>();
    crdVersion.path("additionalPrinterColumns").forEach(columns::add);
    ObjectNode table = json.createObjectNode();
    table.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table
        .putObject("metadata")
        .set("resourceVersion", listOrObject.at("/metadata/resourceVersion"));
    ArrayNode definitions = table.putArray("columnDefinitions");
    definitions
        .addObject()
        .put("name", "Name")
        .put("type", "string")
        .put("format", "name")
        .put("description", "Name of the object")
        .put("priority", 0);
    for (JsonNode column : columns) {
      definitions
          .addObject()
          .put("name", column.path("name").asText())
          .put(
              "type",
              "date".equals(column.path("type").asText())
                  ? "string"
                  : column.path("type").asText("string"))
          .put("format", column.path("format").asText(""))
          .put("description", column.path("description").asText(""))
          .put("priority", column.path("priority").asInt(0));
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> items = new ArrayList<>();
    if (listOrObject.has("items")) {
      listOrObject.path("items").forEach(items::add);
    } else {
      items.add(listOrObject);
    }
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(item.at("/metadata/name").asText());
      for (JsonNode column : columns) {
        cells.add(cell(item, column));
      }
      ObjectNode object = row.putObject("object");
      object.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
      object.set("metadata", item.path("metadata"));
    }
    return table;
  }

  private JsonNode cell(JsonNode item, JsonNode column) {
    String path = column.path("jsonPath").asText();
    JsonNode found = JsonPath.using(jsonPath).parse(item).read("$" + path, JsonNode.class);
    if (found == null || !found.isArray() || found.isEmpty() || found.get(0).isNull()) {
      return json.nullNode();
    }
    JsonNode value = found.get(0);
    if ("date".equals(column.path("type").asText())) {
      try {
        Duration age = Duration.between(Instant.parse(value.asText()), clock.instant());
        return json.getNodeFactory().textNode(HumanDuration.format(age));
      } catch (DateTimeParseException e) {
        return json.getNodeFactory().textNode(value.asText());
      }
    }
    return value;
  }
}
