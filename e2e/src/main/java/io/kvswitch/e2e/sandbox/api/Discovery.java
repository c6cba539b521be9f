package io.kvswitch.e2e.sandbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersions;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents kubectl reads before it does anything: the legacy {@code /api} and {@code
 * /apis} lists (kubectl falls back to them when aggregated discovery is not offered), one resource
 * list per group-version, and an OpenAPI v3 index whose PATCH operations declare the {@code
 * fieldValidation} parameter, so that kubectl leaves validation to this server instead of
 * downloading OpenAPI v2.
 */
final class Discovery {

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private final ApiCatalog catalog;
  private final ObjectMapper json;

  Discovery(ApiCatalog catalog, ObjectMapper json) {
    this.catalog = catalog;
    this.json = json;
  }

  APIVersions coreVersions() {
    return new APIVersionsBuilder().withVersions("v1").build();
  }

  APIGroupList groups() {
    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    catalog
        .byGroupVersion()
        .forEach(
            (gv, types) -> {
              ApiResourceType first = types.getFirst();
              if (!first.group().isEmpty()) {
                versionsByGroup
                    .computeIfAbsent(first.group(), g -> new ArrayList<>())
                    .add(first.version());
              }
            });
    List<APIGroup> groups = new ArrayList<>();
    versionsByGroup.forEach(
        (group, versions) -> {
          List<GroupVersionForDiscovery> forDiscovery =
              versions.stream().map(v -> new GroupVersionForDiscovery(group + "/" + v, v)).toList();
          groups.add(
              new APIGroupBuilder()
                  .withName(group)
                  .withVersions(forDiscovery)
                  .withPreferredVersion(forDiscovery.getFirst())
                  .build());
        });
    return new APIGroupListBuilder().withGroups(groups).build();
  }

  Optional<APIResourceList> resources(String groupVersion) {
    List<ApiResourceType> types = catalog.byGroupVersion().get(groupVersion);
    if (types == null) {
      return Optional.empty();
    }
    List<APIResource> resources = new ArrayList<>();
    for (ApiResourceType type : types) {
      resources.add(
          new APIResourceBuilder()
              .withName(type.plural())
              .withSingularName(type.singular())
              .withKind(type.kind())
              .withNamespaced(type.namespaced())
              .withShortNames(type.shortNames())
              .withVerbs(VERBS)
              .build());
      if (type.statusSubresource()) {
        resources.add(
            new APIResourceBuilder()
                .withName(type.plural() + "/status")
                .withSingularName("")
                .withKind(type.kind())
                .withNamespaced(type.namespaced())
                .withVerbs("get", "patch", "update")
                .build());
      }
    }
    return Optional.of(
        new APIResourceListBuilder()
            .withGroupVersion(groupVersion)
            .withResources(resources)
            .build());
  }

  ObjectNode openApiIndex() {
    ObjectNode paths = json.createObjectNode();
    for (String groupVersion : catalog.byGroupVersion().keySet()) {
      String path = openApiPath(catalog.byGroupVersion().get(groupVersion).getFirst());
      paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path);
    }
    ObjectNode index = json.createObjectNode();
    index.set("paths", paths);
    return index;
  }

  Optional<ObjectNode> openApiGroupVersion(String path) {
    for (List<ApiResourceType> types : catalog.byGroupVersion().values()) {
      if (openApiPath(types.getFirst()).equals(path)) {
        return Optional.of(openApiDocument(types));
      }
    }
    return Optional.empty();
  }

  private static String openApiPath(ApiResourceType type) {
    return type.groupVersionPath().substring(1);
  }

  private ObjectNode openApiDocument(List<ApiResourceType> types) {
    ObjectNode doc = json.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "kvswitch sandbox").put("version", "v1");
    ObjectNode paths = doc.putObject("paths");
    for (ApiResourceType type : types) {
      String itemPath =
          type.groupVersionPath()
              + (type.namespaced() ? "/namespaces/{namespace}/" : "/")
              + type.plural()
              + "/{name}";
      ObjectNode patch = paths.putObject(itemPath).putObject("patch");
      patch
          .putObject("x-kubernetes-group-version-kind")
          .put("group", type.group())
          .put("version", type.version())
          .put("kind", type.kind());
      ArrayNode parameters = patch.putArray("parameters");
      parameters
          .addObject()
          .put("name", "fieldValidation")
          .put("in", "query")
          .putObject("schema")
          .put("type", "string");
    }
    return doc;
  }
}
