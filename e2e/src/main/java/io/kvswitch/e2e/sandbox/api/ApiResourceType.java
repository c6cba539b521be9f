package io.kvswitch.e2e.sandbox.api;

import java.util.List;

/**
 * One resource type the sandbox's API server serves, as discovery describes it.
 *
 * @param group API group, empty for the core group
 * @param version API version
 * @param plural resource name in URLs
 * @param kind object kind
 * @param namespaced whether objects live in a namespace
 * @param shortNames what kubectl accepts instead of the plural
 * @param statusSubresource whether {@code /status} is a separate subresource
 */
record ApiResourceType(
    String group,
    String version,
    String plural,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    boolean statusSubresource) {

  static ApiResourceType builtin(
      String group,
      String version,
      String plural,
      String kind,
      boolean namespaced,
      String... shortNames) {
    return new ApiResourceType(
        group, version, plural, kind, namespaced, List.of(shortNames), false);
  }

  String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The URL prefix of the group-version: {@code /api/v1} or {@code /apis/GROUP/VERSION}. */
  String groupVersionPath() {
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }

  String singular() {
    return kind.toLowerCase(java.util.Locale.ROOT);
  }
}
