package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The network configuration as the plugin reads it from stdin, with Jackson's streaming parser: the
 * top-level scalar fields, for the plugin's checks, and the document itself, compact on one line,
 * to forward to the agent. Start-up time is most of a plugin call, and data binding would load
 * several hundred classes for this.
 *
 * <p>Reads as data binding's {@code readTree} does: the first JSON value counts, what follows it is
 * ignored, and of a field given twice the last one counts.
 */
final class StdinConfig implements ConfigFields {

  /** A top-level field whose value is neither a string nor an {@code int}. */
  private static final Object OTHER = new Object();

  private final Map<String, Object> fields;
  private final String json;

  private StdinConfig(Map<String, Object> fields, String json) {
    this.fields = fields;
    this.json = json;
  }

  /**
   * Reads the first JSON value on {@code stdin}.
   *
   * @throws CniError code 6 when it is not JSON or not an object
   */
  static StdinConfig read(JsonFactory factory, InputStream stdin) {
    byte[] bytes;
    try {
      bytes = stdin.readAllBytes();
    } catch (IOException e) {
      throw new CniError(CniError.IO_FAILURE, "cannot read stdin: " + e.getMessage());
    }
    Map<String, Object> fields = new HashMap<>();
    try (JsonParser parser = factory.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        // The whole value is read first, so broken JSON is reported as such.
        parser.skipChildren();
        throw new CniError(CniError.DECODING_FAILURE, "network configuration is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        fields.put(name, scalar(parser, value));
        parser.skipChildren();
      }
    } catch (IOException e) {
      throw new CniError(CniError.DECODING_FAILURE, "stdin is not JSON: " + e.getMessage());
    }
    return new StdinConfig(fields, compact(factory, bytes));
  }

  private static Object scalar(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    if (value == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() == JsonParser.NumberType.INT) {
      return parser.getIntValue();
    }
    return OTHER;
  }

  /** The first value again, without the whitespace and line breaks it came with. */
  private static String compact(JsonFactory factory, byte[] bytes) {
    StringWriter out = new StringWriter(bytes.length);
    try (JsonParser parser = factory.createParser(bytes);
        JsonGenerator generator = factory.createGenerator(out)) {
      parser.nextToken();
      generator.copyCurrentStructure(parser);
    } catch (IOException e) {
      throw new CniError(CniError.DECODING_FAILURE, "stdin is not JSON: " + e.getMessage());
    }
    return out.toString();
  }

  /** The configuration as one line of JSON. */
  String json() {
    return json;
  }

  @Override
  public boolean has(String name) {
    return fields.containsKey(name);
  }

  @Override
  public String text(String name) {
    return fields.get(name) instanceof String text ? text : "";
  }

  @Override
  public OptionalInt integer(String name) {
    return fields.get(name) instanceof Integer value ? OptionalInt.of(value) : OptionalInt.empty();
  }
}
