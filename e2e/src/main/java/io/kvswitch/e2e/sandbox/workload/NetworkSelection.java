package io.kvswitch.e2e.sandbox.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One entry of the Multus {@code k8s.v1.cni.cncf.io/networks} annotation: which
 * NetworkAttachmentDefinition, the interface name in the pod and an optional fixed MAC.
 *
 * @param namespace the NetworkAttachmentDefinition's namespace
 * @param name its name
 * @param interfaceName the interface in the pod, {@code net1}, {@code net2}... when not given
 * @param mac the MAC the pod asks for, or null for one the plugin derives
 */
public record NetworkSelection(String namespace, String name, String interfaceName, String mac) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code NS/NET} as the verbs take it. */
  public static NetworkSelection parse(String reference, String mac) {
    String[] parts = reference.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "--network takes NAMESPACE/NETWORK (e.g. default/web), not '" + reference + "'");
    }
    return new NetworkSelection(parts[0], parts[1], "net1", mac);
  }

  /**
   * The annotation's entries. Multus accepts a JSON list of objects or a comma-separated list of
   * {@code [ns/]name[@ifname]}; both are read, with the pod's namespace as the default.
   */
  public static List<NetworkSelection> fromAnnotation(String annotation, String podNamespace) {
    List<NetworkSelection> selections = new ArrayList<>();
    String text = annotation == null ? "" : annotation.strip();
    if (text.isEmpty()) {
      return selections;
    }
    if (text.startsWith("[")) {
      JsonNode list;
      try {
        list = JSON.readTree(text);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("the networks annotation is not JSON: " + text, e);
      }
      for (JsonNode entry : list) {
        String ifName = entry.path("interface").asText("");
        selections.add(
            new NetworkSelection(
                entry.path("namespace").asText(podNamespace),
                entry.path("name").asText(),
                ifName.isEmpty() ? "net" + (selections.size() + 1) : ifName,
                entry.hasNonNull("mac") ? entry.get("mac").asText() : null));
      }
      return selections;
    }
    for (String item : text.split(",")) {
      String reference = item.strip();
      String ifName = "net" + (selections.size() + 1);
      int at = reference.indexOf('@');
      if (at >= 0) {
        ifName = reference.substring(at + 1);
        reference = reference.substring(0, at);
      }
      int slash = reference.indexOf('/');
      selections.add(
          slash < 0
              ? new NetworkSelection(podNamespace, reference, ifName, null)
              : new NetworkSelection(
                  reference.substring(0, slash), reference.substring(slash + 1), ifName, null));
    }
    return selections;
  }

  /** The JSON form of the annotation for these selections. */
  public static String toAnnotation(List<NetworkSelection> selections) {
    ArrayNode list = JSON.createArrayNode();
    for (NetworkSelection selection : selections) {
      ObjectNode entry = list.addObject();
      entry.put("name", selection.name());
      entry.put("namespace", selection.namespace());
      entry.put("interface", selection.interfaceName());
      Optional.ofNullable(selection.mac()).ifPresent(mac -> entry.put("mac", mac));
    }
    return list.toString();
  }

  public String reference() {
    return namespace + "/" + name;
  }
}
