package io.kvswitch.operator.compiler;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Kubernetes label selector semantics, as the API server applies them to list requests. */
public final class LabelSelectors {

  private LabelSelectors() {}

  /** True when {@code labels} satisfy {@code selector}; an absent or empty selector matches all. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> present = labels == null ? Map.of() : labels;
    Map<String, String> required = selector.getMatchLabels();
    if (required != null) {
      for (Map.Entry<String, String> entry : required.entrySet()) {
        if (!Objects.equals(present.get(entry.getKey()), entry.getValue())) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (LabelSelectorRequirement requirement : expressions) {
        if (!matches(requirement, present)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (requirement.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(requirement.getKey());
      case "DoesNotExist" -> !labels.containsKey(requirement.getKey());
      // The API server refuses other operators; a selector it let through that we do not know
      // must select nothing rather than everything.
      default -> false;
    };
  }
}
