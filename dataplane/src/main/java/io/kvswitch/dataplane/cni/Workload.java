package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvswitch.api.v1alpha1.WorkloadKind;
import java.util.Arrays;

/**
 * Who an attachment is for. A VM says so in the network configuration's {@code args.cni} (the CNI
 * convention for per-attachment arguments, which Multus fills from the {@code cni-args} of the
 * pod's network selection annotation): {@code "workloadKind": "VirtualMachineInstance"} and,
 * optionally, {@code "workloadName": "<vmi>"}. Anything else is a Pod named by {@code
 * K8S_POD_NAME}.
 *
 * @param kind Pod (a veth) or VirtualMachineInstance (a TAP)
 * @param name the workload's name, recorded on the SwitchPort
 */
record Workload(WorkloadKind kind, String name) {

  static Workload of(JsonNode config, String podName) {
    JsonNode args = config.path("args").path("cni");
    JsonNode kindNode = args.path("workloadKind");
    WorkloadKind kind = WorkloadKind.Pod;
    if (!kindNode.isMissingNode() && !kindNode.isNull()) {
      kind =
          Arrays.stream(WorkloadKind.values())
              .filter(k -> k.name().equals(kindNode.asText()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new CniError(
                          CniError.INVALID_NETWORK_CONFIG,
                          "args.cni.workloadKind '"
                              + kindNode.asText()
                              + "' is not one of "
                              + Arrays.toString(WorkloadKind.values())));
    }
    String name = args.path("workloadName").asText("");
    return new Workload(kind, name.isEmpty() ? podName : name);
  }

  boolean isVm() {
    return kind == WorkloadKind.VirtualMachineInstance;
  }
}
