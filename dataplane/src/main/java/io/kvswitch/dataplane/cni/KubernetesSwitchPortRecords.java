package io.kvswitch.dataplane.cni;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kvswitch.api.v1alpha1.SwitchPort;
import java.util.Map;

/** {@link SwitchPortRecords} in the API server, within what the agent's ClusterRole allows. */
public final class KubernetesSwitchPortRecords implements SwitchPortRecords {

  private final KubernetesClient client;

  public KubernetesSwitchPortRecords(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Map<String, String> workloadLabels(String namespace, String podName) {
    Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null || pod.getMetadata().getLabels() == null) {
      return Map.of();
    }
    return pod.getMetadata().getLabels();
  }

  @Override
  public void put(SwitchPort port) {
    client.resource(port).createOr(NonDeletingOperation::update);
  }

  @Override
  public void delete(String namespace, String name) {
    client.resources(SwitchPort.class).inNamespace(namespace).withName(name).delete();
  }
}
