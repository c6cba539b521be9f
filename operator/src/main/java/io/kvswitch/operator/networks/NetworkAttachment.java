package io.kvswitch.operator.networks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.operator.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The NetworkAttachmentDefinition through which pods and VMs attach to a VLAN network: same name
 * and namespace, CNI type {@code kvswitch}. Pure: network and switch in, object out; the JSON keys
 * keep a fixed order so the same network always gives the same text.
 */
public final class NetworkAttachment {

  public static final String COMPONENT = "network-attachment";
  public static final String CNI_VERSION = "1.0.0";
  public static final String CNI_TYPE = "kvswitch";

  private static final ObjectMapper JSON = new ObjectMapper();

  private NetworkAttachment() {}

  public static NetworkAttachmentDefinition desired(VlanNetwork network, VirtualSwitch vsw) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("cniVersion", CNI_VERSION);
    config.put("name", network.getMetadata().getName());
    config.put("type", CNI_TYPE);
    config.put("switch", network.getSpec().getSwitchName());
    config.put("vlanId", network.getSpec().getVlanId());
    config.put("network", network.getMetadata().getName());
    config.put("networkNamespace", network.getMetadata().getNamespace());
    if (vsw != null && vsw.getSpec() != null && vsw.getSpec().getMtu() != null) {
      config.put("mtu", vsw.getSpec().getMtu());
    }
    NetworkAttachmentDefinition.Spec spec = new NetworkAttachmentDefinition.Spec();
    try {
      spec.setConfig(JSON.writeValueAsString(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings and numbers always serializes", e);
    }
    NetworkAttachmentDefinition nad = new NetworkAttachmentDefinition();
    nad.setMetadata(
        new ObjectMetaBuilder()
            .withName(network.getMetadata().getName())
            .withNamespace(network.getMetadata().getNamespace())
            .withLabels(Labels.of(COMPONENT, network.getSpec().getSwitchName()))
            .build());
    nad.setSpec(spec);
    return nad;
  }
}
