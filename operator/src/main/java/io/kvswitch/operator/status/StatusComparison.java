package io.kvswitch.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Compares statuses as the API server stores them, so that only real changes are patched. */
public final class StatusComparison {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private StatusComparison() {}

  public static boolean same(Object before, Object after) {
    return SERIALIZATION
        .convertValue(before, JsonNode.class)
        .equals(SERIALIZATION.convertValue(after, JsonNode.class));
  }
}
