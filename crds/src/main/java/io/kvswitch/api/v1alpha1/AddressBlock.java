package io.kvswitch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One block of a VlanNetwork's DHCP range and the node that owns it, named {@code
 * <network>.block-<index>} in the network's namespace. A node hands out new addresses from its own
 * blocks first, so nodes rarely race for an address. Claiming is creating the object (or, for a
 * released block, updating it at the resourceVersion read): the API server lets one node win.
 */
@Group(KvswitchApi.GROUP)
@Version(KvswitchApi.VERSION)
@Plural("addressblocks")
@ValidationRule(value = "has(self.spec)", message = "spec is required")
@AdditionalPrinterColumn(name = "Network", jsonPath = ".spec.network")
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.node")
@AdditionalPrinterColumn(name = "Range", jsonPath = ".spec.range")
@AdditionalPrinterColumn(name = "State", jsonPath = ".spec.state")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class AddressBlock extends CustomResource<AddressBlockSpec, Void> implements Namespaced {

  /** The object name of a block: {@code <network>.block-<index>}. */
  public static String nameOf(String network, int index) {
    return network + ".block-" + index;
  }
}
