package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Whether a pod template may run on a node: its nodeSelector and required node affinity. */
final class NodeSelection {

  private NodeSelection() {}

  /**
   * The node a DaemonSet's Pod is for: {@code spec.nodeName} once it is bound, before that the one
   * node its controller names in the required node affinity ({@code matchFields metadata.name In
   * [NODE]}), which is how the DaemonSet controller places its Pods since Kubernetes 1.12.
   */
  static Optional<String> boundNode(PodSpec spec) {
    if (spec.getNodeName() != null && !spec.getNodeName().isEmpty()) {
      return Optional.of(spec.getNodeName());
    }
    List<String> named =
        requiredTerms(spec).orElse(List.of()).stream()
            .flatMap(t -> Optional.ofNullable(t.getMatchFields()).orElse(List.of()).stream())
            .filter(r -> "metadata.name".equals(r.getKey()) && "In".equals(r.getOperator()))
            .filter(r -> r.getValues() != null && r.getValues().size() == 1)
            .map(r -> r.getValues().getFirst())
            .distinct()
            .toList();
    return named.size() == 1 ? Optional.of(named.getFirst()) : Optional.empty();
  }

  /** The terms of the spec's required node affinity; empty when it has none. */
  static Optional<List<NodeSelectorTerm>> requiredTerms(PodSpec spec) {
    return Optional.ofNullable(spec.getAffinity())
        .map(Affinity::getNodeAffinity)
        .map(NodeAffinity::getRequiredDuringSchedulingIgnoredDuringExecution)
        .map(s -> Optional.ofNullable(s.getNodeSelectorTerms()).orElse(List.of()));
  }

  static boolean matches(PodSpec spec, Node node) {
    Map<String, String> labels =
        Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
    Map<String, String> selector = Optional.ofNullable(spec.getNodeSelector()).orElse(Map.of());
    for (Map.Entry<String, String> wanted : selector.entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    Optional<List<NodeSelectorTerm>> required = requiredTerms(spec);
    if (required.isEmpty()) {
      return true;
    }
    List<NodeSelectorTerm> terms = required.get();
    // Terms are ORed; the expressions and fields of one term are ANDed. An empty term matches
    // nothing. The only field a node selector may name is metadata.name.
    Map<String, String> fields = Map.of("metadata.name", node.getMetadata().getName());
    return terms.stream()
        .anyMatch(
            t -> {
              List<NodeSelectorRequirement> expressions =
                  Optional.ofNullable(t.getMatchExpressions()).orElse(List.of());
              List<NodeSelectorRequirement> matchFields =
                  Optional.ofNullable(t.getMatchFields()).orElse(List.of());
              return !(expressions.isEmpty() && matchFields.isEmpty())
                  && expressions.stream().allMatch(r -> matches(r, labels))
                  && matchFields.stream().allMatch(r -> matches(r, fields));
            });
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
