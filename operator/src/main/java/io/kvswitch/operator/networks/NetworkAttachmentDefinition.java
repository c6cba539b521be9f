package io.kvswitch.operator.networks;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Multus' NetworkAttachmentDefinition ({@code k8s.cni.cncf.io/v1}). fabric8 ships no model for it,
 * and its only field is a JSON string, so a small typed class is clearer than a generic map.
 */
@Group("k8s.cni.cncf.io")
@Version("v1")
@Plural("network-attachment-definitions")
public class NetworkAttachmentDefinition
    extends CustomResource<NetworkAttachmentDefinition.Spec, Void> implements Namespaced {

  /** The CNI configuration Multus passes to the plugin. */
  public static class Spec {

    private String config;

    public String getConfig() {
      return config;
    }

    public void setConfig(String config) {
      this.config = config;
    }
  }
}
