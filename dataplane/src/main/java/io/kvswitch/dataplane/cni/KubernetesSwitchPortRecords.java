package io.kvswitch.dataplane.cni;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kvswitch.api.v1alpha1.SwitchPort;

/** {@link SwitchPortRecords} in the API server, within what the agent's ClusterRole allows. */
public final class KubernetesSwitchPortRecords implements SwitchPortRecords {

  private final KubernetesClient client;

  public KubernetesSwitchPortRecords(KubernetesClient client) {
    this.client = client;
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
