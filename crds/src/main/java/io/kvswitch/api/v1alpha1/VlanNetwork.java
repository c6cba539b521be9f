package io.kvswitch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One 802.1Q VLAN on a switch, with its subnet, DHCP service and policy. Pods and VMs attach to it
 * through the Multus NetworkAttachmentDefinition of the same name that the operator generates.
 */
@Group(KvswitchApi.GROUP)
@ValidationRule(value = "has(self.spec)", message = "spec is required")
@Version(KvswitchApi.VERSION)
@ShortNames("vlan")
@Plural("vlannetworks")
@AdditionalPrinterColumn(name = "Switch", jsonPath = ".spec.switch")
@AdditionalPrinterColumn(
    name = "VLAN",
    jsonPath = ".spec.vlanId",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Subnet", jsonPath = ".spec.subnet")
@AdditionalPrinterColumn(name = "Ready", jsonPath = KvswitchApi.READY_JSON_PATH)
@AdditionalPrinterColumn(
    name = "Ports",
    jsonPath = ".status.attachedPorts",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Leases",
    jsonPath = ".status.leases.used",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Addresses leased")
@AdditionalPrinterColumn(
    name = "Free",
    jsonPath = ".status.leases.free",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Addresses left in the DHCP range")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class VlanNetwork extends CustomResource<VlanNetworkSpec, VlanNetworkStatus>
    implements Namespaced {}
