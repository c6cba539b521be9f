package io.kvswitch.operator.compiler;

import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the compiler produced.
 *
 * @param states the desired state of every (switch, node), ascending
 * @param assignment which networks each switch carries, and the networks left out and why
 * @param mirrors where each mirror session was placed
 */
public record Compilation(
    SortedMap<SwitchNodeKey, SwitchNodeStateSpec> states,
    VlanAssignment assignment,
    Map<ObjectKey, MirrorPlacement> mirrors) {

  /** Networks left out, with the condition each should carry. */
  public Map<ObjectKey, NetworkProblem> problems() {
    return assignment.problems();
  }
}
