package io.kvswitch.e2e.sandbox.api;

import java.util.Optional;

/**
 * A request path taken apart: {@code /api/v1/namespaces/NS/pods/NAME} or {@code
 * /apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME[/SUBRESOURCE]]}, without the query.
 */
record ResourcePath(
    String group,
    String version,
    String namespace,
    String plural,
    String name,
    String subresource) {

  static Optional<ResourcePath> parse(String rawPath) {
    String path = rawPath.contains("?") ? rawPath.substring(0, rawPath.indexOf('?')) : rawPath;
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    int i;
    String group;
    String version;
    if (parts.length >= 3 && parts[0].equals("api")) {
      group = "";
      version = parts[1];
      i = 2;
    } else if (parts.length >= 4 && parts[0].equals("apis")) {
      group = parts[1];
      version = parts[2];
      i = 3;
    } else {
      return Optional.empty();
    }
    String namespace = null;
    if (parts.length > i + 2 && parts[i].equals("namespaces")) {
      namespace = parts[i + 1];
      i += 2;
    } else if (parts.length == i + 2 && parts[i].equals("namespaces")) {
      // /api/v1/namespaces/NAME is the namespace object itself
      return Optional.of(new ResourcePath(group, version, null, "namespaces", parts[i + 1], null));
    }
    if (parts.length <= i) {
      return Optional.empty();
    }
    String plural = parts[i];
    String name = parts.length > i + 1 ? parts[i + 1] : null;
    String subresource = parts.length > i + 2 ? parts[i + 2] : null;
    return Optional.of(new ResourcePath(group, version, namespace, plural, name, subresource));
  }

  /** The path of the whole object, without its subresource. */
  String objectPath() {
    StringBuilder path =
        new StringBuilder(group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
    if (namespace != null) {
      path.append("/namespaces/").append(namespace);
    }
    path.append('/').append(plural);
    if (name != null) {
      path.append('/').append(name);
    }
    return path.toString();
  }
}
