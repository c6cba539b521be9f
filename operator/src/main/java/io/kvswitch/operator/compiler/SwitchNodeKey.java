package io.kvswitch.operator.compiler;

import io.kvswitch.api.v1alpha1.SwitchNodeState;
import java.util.Comparator;

/** One switch on one node: the unit the compiler produces state for. */
public record SwitchNodeKey(String switchName, String nodeName)
    implements Comparable<SwitchNodeKey> {

  private static final Comparator<SwitchNodeKey> ORDER =
      Comparator.comparing(SwitchNodeKey::switchName).thenComparing(SwitchNodeKey::nodeName);

  /** The name of the SwitchNodeState object that holds this state. */
  public String objectName() {
    return SwitchNodeState.nameFor(switchName, nodeName);
  }

  @Override
  public int compareTo(SwitchNodeKey other) {
    return ORDER.compare(this, other);
  }
}
