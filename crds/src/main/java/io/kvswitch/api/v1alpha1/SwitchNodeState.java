package io.kvswitch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The compiled state of one switch on one node (spec, written by the operator) and what that node's
 * agent realized of it (status). Named {@code <switch>.<node>} and labelled with both, so each
 * agent watches only its own node's objects.
 */
@Group(KvswitchApi.GROUP)
@Version(KvswitchApi.VERSION)
@ShortNames("sns")
@Plural("switchnodestates")
@AdditionalPrinterColumn(name = "Switch", jsonPath = ".spec.switch")
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.node")
@AdditionalPrinterColumn(
    name = "Generation",
    jsonPath = ".metadata.generation",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Realized",
    jsonPath = ".status.realizedGeneration",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "Generation the node's agent last applied")
@AdditionalPrinterColumn(
    name = "Ports",
    jsonPath = ".status.counters.ports",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = KvswitchApi.READY_JSON_PATH)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class SwitchNodeState extends CustomResource<SwitchNodeStateSpec, SwitchNodeStateStatus> {

  /** The object name of a switch's state on a node. */
  public static String nameFor(String switchName, String nodeName) {
    return switchName + "." + nodeName;
  }
}
