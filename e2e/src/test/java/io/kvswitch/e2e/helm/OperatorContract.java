package io.kvswitch.e2e.helm;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API access the operator/chart contract gives the operator and the agents, written out grant
 * by grant, so that a change to the chart's RBAC that the contract does not make fails a test.
 */
final class OperatorContract {

  static final String AGENT_CLUSTER_ROLE = "kvswitch-agent";

  private static final List<String> FULL =
      List.of("get", "list", "watch", "create", "update", "patch", "delete");
  private static final String[] READ = {"get", "list", "watch"};

  private OperatorContract() {}

  /** What the operator may do anywhere in the cluster. */
  static Set<Grant> operatorClusterWide(String agentClusterRole) {
    Set<Grant> grants = new TreeSet<>();
    List<String> kinds = List.of("virtualswitches", "vlannetworks", "mirrorsessions");
    grants.addAll(Grant.allow("kvswitch.io", kinds, READ));
    grants.addAll(Grant.allow("kvswitch.io", suffixed(kinds, "/status"), "get", "patch", "update"));
    grants.addAll(Grant.allow("kvswitch.io", suffixed(kinds, "/finalizers"), "update"));
    grants.addAll(full("kvswitch.io", "switchnodestates"));
    grants.addAll(Grant.allow("kvswitch.io", List.of("switchports"), READ));
    grants.addAll(
        Grant.allow(
            "kvswitch.io", List.of("dhcpleases", "dhcpleaseblocks", "addressblocks"), READ));
    grants.addAll(full("rbac.authorization.k8s.io", "clusterrolebindings"));
    grants.add(new Grant("rbac.authorization.k8s.io", "clusterroles", agentClusterRole, "bind"));
    grants.addAll(full("k8s.cni.cncf.io", "network-attachment-definitions"));
    grants.addAll(Grant.allow("", List.of("nodes", "pods"), READ));
    grants.addAll(Grant.allow("", List.of("events"), "create", "patch"));
    grants.addAll(Grant.allow("events.k8s.io", List.of("events"), "create", "patch"));
    return grants;
  }

  /** What the operator may do in its own namespace only (KVSWITCH_NAMESPACE). */
  static Set<Grant> operatorInItsNamespace(boolean leaderElection) {
    Set<Grant> grants = new TreeSet<>();
    grants.addAll(full("apps", "daemonsets"));
    grants.addAll(full("", "serviceaccounts"));
    grants.addAll(full("", "configmaps"));
    if (leaderElection) {
      grants.addAll(
          Grant.allow("coordination.k8s.io", List.of("leases"), "get", "create", "update"));
    }
    return grants;
  }

  /** What every switch's agent may do. */
  static Set<Grant> agent() {
    Set<Grant> grants = new TreeSet<>();
    grants.addAll(Grant.allow("kvswitch.io", List.of("switchnodestates"), READ));
    grants.addAll(
        Grant.allow("kvswitch.io", List.of("switchnodestates/status"), "get", "patch", "update"));
    grants.addAll(full("kvswitch.io", "switchports"));
    grants.addAll(full("kvswitch.io", "dhcpleases"));
    grants.addAll(full("kvswitch.io", "dhcpleaseblocks"));
    grants.addAll(full("kvswitch.io", "addressblocks"));
    grants.addAll(Grant.allow("kvswitch.io", List.of("vlannetworks"), READ));
    grants.addAll(Grant.allow("", List.of("pods", "nodes"), READ));
    grants.addAll(Grant.allow("", List.of("events"), "create", "patch"));
    return grants;
  }

  private static Set<Grant> full(String apiGroup, String resource) {
    return Grant.allow(apiGroup, List.of(resource), FULL.toArray(String[]::new));
  }

  private static List<String> suffixed(List<String> resources, String suffix) {
    return resources.stream().map(r -> r + suffix).toList();
  }
}
