package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.operator.Labels;
import io.kvswitch.operator.switches.AgentDaemonSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which DaemonSets the kubelet stand-in may run: only the agent DaemonSets the kvswitch operator
 * made. It runs a pod's command as root on the host, so a cluster's other DaemonSets (kube-proxy,
 * CSI drivers, monitoring agents), which also get Pods for the simulated nodes, must never be run.
 */
final class OperatorDaemonSets {

  private static final String SWITCH_API_VERSION = HasMetadata.getApiVersion(VirtualSwitch.class);
  private static final String SWITCH_KIND = HasMetadata.getKind(VirtualSwitch.class);

  private OperatorDaemonSets() {}

  /**
   * Whether the operator made {@code ds}: it is owned by a VirtualSwitch, or carries the labels the
   * operator puts on a switch's agent DaemonSet ({@link AgentDaemonSet}).
   */
  static boolean madeByOperator(DaemonSet ds) {
    boolean ownedBySwitch =
        Optional.ofNullable(ds.getMetadata().getOwnerReferences()).orElse(List.of()).stream()
            .anyMatch(
                o ->
                    SWITCH_API_VERSION.equals(o.getApiVersion())
                        && SWITCH_KIND.equals(o.getKind()));
    Map<String, String> labels = Optional.ofNullable(ds.getMetadata().getLabels()).orElse(Map.of());
    boolean labelled =
        Labels.OPERATOR.equals(labels.get(Labels.MANAGED_BY))
            && AgentDaemonSet.COMPONENT.equals(labels.get(Labels.COMPONENT))
            && labels.containsKey(Labels.SWITCH);
    return ownedBySwitch || labelled;
  }
}
