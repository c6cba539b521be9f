package io.kvswitch.dataplane.cni;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.kvswitch.api.v1alpha1.SwitchPort;
import io.kvswitch.dataplane.agent.PortAddresses;
import java.util.Map;

/** {@link SwitchPortRecords} in the API server, within what the agent's ClusterRole allows. */
public final class KubernetesSwitchPortRecords implements SwitchPortRecords, PortAddresses {

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
  public void record(String namespace, String name, String ip) {
    Resource<SwitchPort> record =
        client.resources(SwitchPort.class).inNamespace(namespace).withName(name);
    if (record.get() == null) {
      return;
    }
    record.edit(
        port -> {
          port.getSpec().setIp(ip);
          return port;
        });
  }

  @Override
  public void delete(String namespace, String name) {
    client.resources(SwitchPort.class).inNamespace(namespace).withName(name).delete();
  }
}
