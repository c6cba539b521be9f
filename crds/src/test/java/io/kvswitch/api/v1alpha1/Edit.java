package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One change to a valid object that makes its bad twin: set or remove the field at a JSON pointer.
 * Values are YAML flow text, so {@code "0"} is a number and {@code "[]"} a list.
 */
record Edit(String pointer, String yamlValue) {

  static Edit set(String pointer, String yamlValue) {
    return new Edit(pointer, yamlValue);
  }

  static Edit remove(String pointer) {
    return new Edit(pointer, null);
  }

  ObjectNode applyTo(ObjectNode original) {
    ObjectNode copy = original.deepCopy();
    JsonPointer path = JsonPointer.compile(pointer);
    JsonNode parent = copy.at(path.head());
    String last = path.last().getMatchingProperty();
    if (parent instanceof ObjectNode object) {
      if (yamlValue == null) {
        object.remove(last);
      } else {
        object.set(last, Crds.yamlValue(yamlValue));
      }
    } else if (parent instanceof ArrayNode array) {
      int index = path.last().getMatchingIndex();
      if (yamlValue == null) {
        array.remove(index);
      } else {
        array.set(index, Crds.yamlValue(yamlValue));
      }
    } else {
      throw new IllegalArgumentException("no object or list at " + path.head() + " to edit");
    }
    return copy;
  }

  @Override
  public String toString() {
    return yamlValue == null ? "remove " + pointer : pointer + " = " + yamlValue;
  }
}
