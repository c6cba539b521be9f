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
 * A SPAN session: copies of the traffic of some workloads or of a whole VLAN go to one destination,
 * a pod's interface anywhere in the cluster or an ERSPAN tunnel to an outside analyser.
 */
@Group(KvswitchApi.GROUP)
@ValidationRule(value = "has(self.spec)", message = "spec is required")
@Version(KvswitchApi.VERSION)
@ShortNames("mirror")
@Plural("mirrorsessions")
@AdditionalPrinterColumn(
    name = "Enabled",
    jsonPath = ".spec.enabled",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Sources",
    jsonPath = ".status.matchedSources",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Ports whose traffic is mirrored")
@AdditionalPrinterColumn(
    name = "Nodes",
    jsonPath = ".status.activeNodes",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Mirrored",
    jsonPath = ".status.mirroredPackets",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = KvswitchApi.READY_JSON_PATH)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class MirrorSession extends CustomResource<MirrorSessionSpec, MirrorSessionStatus>
    implements Namespaced {}
