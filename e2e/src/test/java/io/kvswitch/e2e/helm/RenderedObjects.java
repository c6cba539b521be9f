package io.kvswitch.e2e.helm;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/** The objects one {@code helm template} run produced. */
record RenderedObjects(List<HasMetadata> all) {

  /** The one object of this type and name; fails when there is none or more than one. */
  <T extends HasMetadata> T one(Class<T> type, String name) {
    List<T> matches = find(type, name).stream().toList();
    if (matches.isEmpty()) {
      throw new AssertionError("no " + type.getSimpleName() + " " + name + " in " + names());
    }
    return matches.getFirst();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    List<T> matches =
        all.stream()
            .filter(type::isInstance)
            .map(type::cast)
            .filter(o -> name.equals(o.getMetadata().getName()))
            .toList();
    if (matches.size() > 1) {
      throw new AssertionError(matches.size() + " " + type.getSimpleName() + "s named " + name);
    }
    return matches.stream().findFirst();
  }

  <T extends HasMetadata> List<T> ofType(Class<T> type) {
    return all.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** "Kind/name" of every object, for messages. */
  List<String> names() {
    return all.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }
}
