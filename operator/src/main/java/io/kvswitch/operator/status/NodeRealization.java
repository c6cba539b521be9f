package io.kvswitch.operator.status;

import io.kvswitch.api.v1alpha1.SwitchNodeState;
import java.util.List;
import java.util.Objects;

/** Whether a node's agent has applied the state it was given. */
public final class NodeRealization {

  /** How many pending nodes a message names before it only counts the rest. */
  static final int NAMED = 10;

  private NodeRealization() {}

  /** True when the agent reports the object's current generation as realized. */
  public static boolean realized(SwitchNodeState state) {
    return state.getStatus() != null
        && state.getMetadata().getGeneration() != null
        && Objects.equals(
            state.getStatus().getRealizedGeneration(), state.getMetadata().getGeneration());
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
