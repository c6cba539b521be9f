package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Whether a pod template may run on a node: its nodeSelector and required node affinity. */
final class NodeSelection {

  private NodeSelection() {}

  static boolean matches(PodSpec spec, Node node) {
    Map<String, String> labels =
        Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
    Map<String, String> selector = Optional.ofNullable(spec.getNodeSelector()).orElse(Map.of());
    for (Map.Entry<String, String> wanted : selector.entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    if (spec.getAffinity() == null
        || spec.getAffinity().getNodeAffinity() == null
        || spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            == null) {
      return true;
    }
    List<NodeSelectorTerm> terms =
        spec.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    // Terms are ORed; the expressions of one term are ANDed. An empty term matches nothing.
    return terms.stream()
        .anyMatch(
            t ->
                t.getMatchExpressions() != null
                    && !t.getMatchExpressions().isEmpty()
                    && t.getMatchExpressions().stream().allMatch(r -> matches(r, labels)));
  }

  private static boolean matches(NodeSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = Optional.ofNullable(requirement.getValues()).orElse(List.of());
    return switch (requirement.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt", "Lt" -> compare(requirement.getOperator(), value, values);
      default -> false;
    };
  }

  private static boolean compare(String operator, String value, List<String> values) {
    try {
      long actual = Long.parseLong(value);
      long bound = Long.parseLong(values.getFirst());
      return "Gt".equals(operator) ? actual > bound : actual < bound;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
