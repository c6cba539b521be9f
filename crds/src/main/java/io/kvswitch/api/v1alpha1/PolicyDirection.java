package io.kvswitch.api.v1alpha1;

/** Which way, seen from the selected workload, a rule applies. */
public enum PolicyDirection {
  Ingress,
  Egress
}
