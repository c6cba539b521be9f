package io.kvswitch.e2e.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvswitch.api.validation.CustomResourceValidator;
import io.kvswitch.api.validation.Violation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the real API server does to a custom resource before it stores it and the mock server does
 * not: fill in schema defaults, and refuse what the schema or a CEL rule refuses.
 */
final class CustomResourceAdmission {

  private static final Logger LOG = LoggerFactory.getLogger(CustomResourceAdmission.class);

  /** The outcome: the object to store, or why not. */
  record Decision(JsonNode object, List<Violation> violations) {
    boolean allowed() {
      return violations.isEmpty();
    }
  }

  private final Map<String, CustomResourceValidator> validators = new ConcurrentHashMap<>();

  void register(JsonNode crd) {
    String key = key(crd.at("/spec/group").asText(), crd.at("/spec/names/plural").asText());
    try {
      validators.put(key, CustomResourceValidator.fromCrd(crd));
    } catch (IllegalArgumentException e) {
      LOG.warn("CRD {} is stored but its objects are not validated: {}", key, e.getMessage());
      validators.remove(key);
    }
  }

  void unregister(String crdName) {
    int dot = crdName.indexOf('.');
    if (dot > 0) {
      validators.remove(key(crdName.substring(dot + 1), crdName.substring(0, dot)));
    }
  }

  Optional<CustomResourceValidator> validator(ResourcePath path) {
    return Optional.ofNullable(validators.get(key(path.group(), path.plural())));
  }

  Decision admitCreate(CustomResourceValidator validator, JsonNode object, boolean strict) {
    return decide(validator.withDefaults(object), validator.validateCreate(object), strict);
  }

  Decision admitUpdate(
      CustomResourceValidator validator, JsonNode object, JsonNode stored, boolean strict) {
    return decide(validator.withDefaults(object), validator.validateUpdate(object, stored), strict);
  }

  /**
   * Unknown fields are refused only under {@code fieldValidation=Strict}, kubectl's default; other
   * clients get the API server's default, which keeps the write.
   */
  private static Decision decide(JsonNode defaulted, List<Violation> violations, boolean strict) {
    List<Violation> counted =
        strict ? violations : violations.stream().filter(v -> !isUnknownField(v)).toList();
    return new Decision(defaulted, counted);
  }

  private static boolean isUnknownField(Violation violation) {
    return violation.message().startsWith("unknown field");
  }

  private static String key(String group, String plural) {
    return group + "/" + plural;
  }
}
