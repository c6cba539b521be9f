package io.kvswitch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One distributed switch: the nodes that carry it, its uplinks and overlay, and its MAC table and
 * storm limits. Cluster-scoped, because a switch spans namespaces; the operator turns each into one
 * dataplane DaemonSet.
 */
@Group(KvswitchApi.GROUP)
@ValidationRule(value = "has(self.spec)", message = "spec is required")
@Version(KvswitchApi.VERSION)
@ShortNames("vsw")
@Plural("virtualswitches")
@AdditionalPrinterColumn(
    name = "MTU",
    jsonPath = ".spec.mtu",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Nodes",
    jsonPath = ".status.nodesReady",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Nodes that realized the current generation")
@AdditionalPrinterColumn(
    name = "Desired",
    jsonPath = ".status.nodesDesired",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ports",
    jsonPath = ".status.ports",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = KvswitchApi.READY_JSON_PATH)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class VirtualSwitch extends CustomResource<VirtualSwitchSpec, VirtualSwitchStatus> {}
