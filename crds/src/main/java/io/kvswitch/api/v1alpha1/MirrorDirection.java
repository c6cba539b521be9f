package io.kvswitch.api.v1alpha1;

/** Which traffic of a source port is mirrored, seen from the workload. */
public enum MirrorDirection {
  /** Frames the switch delivers to the workload. */
  Ingress,
  /** Frames the workload sends into the switch. */
  Egress,
  Both
}
