package io.kvswitch.api.v1alpha1;

/** What kind of workload owns an attached interface. */
public enum WorkloadKind {
  Pod,
  VirtualMachineInstance
}
