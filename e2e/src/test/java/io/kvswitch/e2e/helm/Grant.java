package io.kvswitch.e2e.helm;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One verb on one resource (optionally one named object) in one API group: the unit RBAC grants.
 * Comparing sets of grants compares what roles allow, whatever way their rules are grouped.
 */
record Grant(String apiGroup, String resource, String resourceName, String verb)
    implements Comparable<Grant> {

  /** Every grant the rules make. */
  static Set<Grant> of(Collection<PolicyRule> rules) {
    Set<Grant> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      if (!rule.getNonResourceURLs().isEmpty()) {
        throw new AssertionError("non-resource URLs granted: " + rule);
      }
      List<String> names =
          rule.getResourceNames().isEmpty() ? List.of("") : rule.getResourceNames();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String name : names) {
            for (String verb : rule.getVerbs()) {
              grants.add(new Grant(group, resource, name, verb));
            }
          }
        }
      }
    }
    return grants;
  }

  /** The given verbs on each of the given resources of one group, any object name. */
  static Set<Grant> allow(String apiGroup, List<String> resources, String... verbs) {
    Set<Grant> grants = new TreeSet<>();
    for (String resource : resources) {
      for (String verb : verbs) {
        grants.add(new Grant(apiGroup, resource, "", verb));
      }
    }
    return grants;
  }

  @Override
  public int compareTo(Grant other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    String group = apiGroup.isEmpty() ? "core" : apiGroup;
    String name = resourceName.isEmpty() ? "" : "[" + resourceName + "]";
    return group + " " + resource + name + " " + verb;
  }
}
