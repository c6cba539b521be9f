package io.kvswitch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One attached interface, in the workload's namespace: {@code kubectl get switchports -A} is the
 * "who is where" view. The agent that plugged the interface writes it (there is no status: the
 * record is the observation) and copies the workload's labels onto it, so mirror sessions and
 * policy rules can select ports by workload label.
 */
@Group(KvswitchApi.GROUP)
@Version(KvswitchApi.VERSION)
@ShortNames("swp")
@Plural("switchports")
@AdditionalPrinterColumn(name = "Kind", jsonPath = ".spec.workloadKind", priority = 1)
@AdditionalPrinterColumn(name = "Workload", jsonPath = ".spec.workloadName")
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.node")
@AdditionalPrinterColumn(name = "Network", jsonPath = ".spec.network")
@AdditionalPrinterColumn(
    name = "VLAN",
    jsonPath = ".spec.vlanId",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Interface", jsonPath = ".spec.interface", priority = 1)
@AdditionalPrinterColumn(name = "MAC", jsonPath = ".spec.mac")
@AdditionalPrinterColumn(name = "IP", jsonPath = ".spec.ip")
@AdditionalPrinterColumn(name = "State", jsonPath = ".spec.state")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class SwitchPort extends CustomResource<SwitchPortSpec, Void> implements Namespaced {}
