package io.kvswitch.operator.status;

import io.kvswitch.api.v1alpha1.SwitchNodeState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Whether a node's agent has applied the state it was given. */
public final class NodeRealization {

  /** How many pending nodes a message names before it only counts the rest. */
  static final int NAMED = 10;

  /** How many agent failure reports a message quotes. */
  static final int REPORTED_FAILURES = 3;

  private NodeRealization() {}

  /** True when the agent reports the object's current generation as realized. */
  public static boolean realized(SwitchNodeState state) {
    return state.getStatus() != null
        && state.getMetadata().getGeneration() != null
        && Objects.equals(
            state.getStatus().getRealizedGeneration(), state.getMetadata().getGeneration());
  }

  /**
   * What the node's agent says went wrong, from its Ready condition when that is False: {@code
   * "<node>: <reason>: <message>"}.
   */
  public static Optional<String> failure(SwitchNodeState state) {
    if (state.getStatus() == null || state.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return state.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()) && "False".equals(c.getStatus()))
        .findFirst()
        .map(
            c ->
                state.getSpec().getNodeName()
                    + ": "
                    + c.getReason()
                    + (c.getMessage() == null || c.getMessage().isBlank()
                        ? ""
                        : ": " + c.getMessage()));
  }

  /**
   * The pending nodes, then what the first few failing agents report, for a Ready message.
   *
   * @param failures agent reports from {@link #failure}, in node order
   */
  public static String pendingMessage(
      int realized, int desired, List<String> pending, List<String> failures) {
    StringBuilder message =
        new StringBuilder("realized on ")
            .append(realized)
            .append(" of ")
            .append(desired)
            .append(" nodes; waiting for ")
            .append(nameSome(pending));
    List<String> sorted = failures.stream().sorted().toList();
    for (String failure : sorted.subList(0, Math.min(REPORTED_FAILURES, sorted.size()))) {
      message.append("; ").append(failure);
    }
    return message.toString();
  }

  /** The first few names, then how many more, so a message stays readable on a big cluster. */
  public static String nameSome(List<String> names) {
    List<String> sorted = names.stream().sorted().toList();
    if (sorted.size() <= NAMED) {
      return String.join(", ", sorted);
    }
    return String.join(", ", sorted.subList(0, NAMED))
        + " and "
        + (sorted.size() - NAMED)
        + " more";
  }
}
