package io.kvswitch.operator;

import java.util.LinkedHashMap;
import java.util.Map;

/** The labels on everything the operator creates (the chart contract). */
public final class Labels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String SWITCH = "kvswitch.io/switch";
  public static final String NODE = "kvswitch.io/node";

  public static final String OPERATOR = "kvswitch-operator";

  /** Selects only what this operator created, so its informers cache nothing else. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  private Labels() {}

  public static Map<String, String> of(String component, String switchName) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, OPERATOR);
    labels.put(PART_OF, "kvswitch");
    labels.put(COMPONENT, component);
    if (switchName != null) {
      labels.put(SWITCH, switchName);
    }
    return labels;
  }
}
