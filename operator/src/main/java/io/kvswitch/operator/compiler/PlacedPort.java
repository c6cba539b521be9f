package io.kvswitch.operator.compiler;

import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import java.util.Map;

/** A SwitchPort whose network a switch carries and whose node that switch runs on. */
record PlacedPort(
    ObjectKey key,
    SwitchPort port,
    ObjectKey networkKey,
    VlanNetwork network,
    String switchName,
    String node,
    int vlanId) {

  Map<String, String> labels() {
    Map<String, String> labels = port.getMetadata().getLabels();
    return labels == null ? Map.of() : labels;
  }

  String namespace() {
    return key.namespace();
  }

  String mac() {
    return port.getSpec().getMac();
  }

  String ip() {
    return port.getSpec().getIp();
  }
}
