package io.kvswitch.e2e.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resource types the sandbox serves: the built-in ones the operator, the agents and kubectl
 * touch, plus every CRD created through the API, registered as the real API server would.
 */
final class ApiCatalog {

  private static final List<ApiResourceType> BUILTIN =
      List.of(
          ApiResourceType.builtin("", "v1", "namespaces", "Namespace", false, "ns"),
          ApiResourceType.builtin("", "v1", "nodes", "Node", false, "no"),
          ApiResourceType.builtin("", "v1", "pods", "Pod", true, "po"),
          ApiResourceType.builtin("", "v1", "services", "Service", true, "svc"),
          ApiResourceType.builtin("", "v1", "endpoints", "Endpoints", true, "ep"),
          ApiResourceType.builtin("", "v1", "configmaps", "ConfigMap", true, "cm"),
          ApiResourceType.builtin("", "v1", "secrets", "Secret", true),
          ApiResourceType.builtin("", "v1", "serviceaccounts", "ServiceAccount", true, "sa"),
          ApiResourceType.builtin("", "v1", "events", "Event", true, "ev"),
          ApiResourceType.builtin("apps", "v1", "daemonsets", "DaemonSet", true, "ds"),
          ApiResourceType.builtin("apps", "v1", "deployments", "Deployment", true, "deploy"),
          ApiResourceType.builtin("events.k8s.io", "v1", "events", "Event", true, "ev"),
          ApiResourceType.builtin("coordination.k8s.io", "v1", "leases", "Lease", true),
          ApiResourceType.builtin(
              "rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
          ApiResourceType.builtin(
              "rbac.authorization.k8s.io",
              "v1",
              "clusterrolebindings",
              "ClusterRoleBinding",
              false),
          ApiResourceType.builtin("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
          ApiResourceType.builtin(
              "rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
          ApiResourceType.builtin(
              "apiextensions.k8s.io",
              "v1",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false,
              "crd",
              "crds"));

  private final Map<String, ApiResourceType> byGroupVersionPlural = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> crdsByGroupPlural = new ConcurrentHashMap<>();

  ApiCatalog() {
    BUILTIN.forEach(this::add);
  }

  private void add(ApiResourceType type) {
    byGroupVersionPlural.put(key(type.group(), type.version(), type.plural()), type);
  }

  private static String key(String group, String version, String plural) {
    return group + "/" + version + "/" + plural;
  }

  /** Registers the served versions of a CRD that was just created or updated. */
  void register(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    String group = spec.path("group").asText();
    JsonNode names = spec.path("names");
    List<String> shortNames = new ArrayList<>();
    names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
    boolean namespaced = "Namespaced".equals(spec.path("scope").asText());
    for (JsonNode version : spec.path("versions")) {
      if (!version.path("served").asBoolean(true)) {
        continue;
      }
      add(
          new ApiResourceType(
              group,
              version.path("name").asText(),
              names.path("plural").asText(),
              names.path("kind").asText(),
              namespaced,
              List.copyOf(shortNames),
              version.path("subresources").has("status")));
    }
    crdsByGroupPlural.put(group + "/" + names.path("plural").asText(), crd);
  }

  /** Forgets a CRD that was deleted. */
  void unregister(String crdName) {
    int dot = crdName.indexOf('.');
    if (dot < 0) {
      return;
    }
    String plural = crdName.substring(0, dot);
    String group = crdName.substring(dot + 1);
    byGroupVersionPlural
        .values()
        .removeIf(t -> t.group().equals(group) && t.plural().equals(plural));
    crdsByGroupPlural.remove(group + "/" + plural);
  }

  Optional<ApiResourceType> find(String group, String version, String plural) {
    return Optional.ofNullable(byGroupVersionPlural.get(key(group, version, plural)));
  }

  /** The CRD that defines {@code plural} in {@code group}, if it is a custom resource. */
  Optional<JsonNode> crd(String group, String plural) {
    return Optional.ofNullable(crdsByGroupPlural.get(group + "/" + plural));
  }

  /** Every served type, grouped by group-version in a stable order. */
  Map<String, List<ApiResourceType>> byGroupVersion() {
    Map<String, List<ApiResourceType>> result = new LinkedHashMap<>();
    byGroupVersionPlural.values().stream()
        .sorted(
            Comparator.comparing((ApiResourceType t) -> !t.group().isEmpty())
                .thenComparing(ApiResourceType::group)
                .thenComparing(ApiResourceType::version)
                .thenComparing(ApiResourceType::plural))
        .forEach(t -> result.computeIfAbsent(t.groupVersion(), gv -> new ArrayList<>()).add(t));
    return result;
  }
}
