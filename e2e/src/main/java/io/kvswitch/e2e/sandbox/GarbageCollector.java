package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's stand-in for the API server's garbage collector, which the mock server lacks: an
 * object whose owners (by uid) are all gone is deleted. The operator relies on it, as on a real
 * cluster: deleting a VirtualSwitch removes its DaemonSet, service account, binding and node
 * states; deleting a VlanNetwork its NetworkAttachmentDefinition and its DHCP lease records.
 */
final class GarbageCollector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

  /** The kinds that carry owner references in kvswitch, as (apiVersion, kind). */
  private static final List<List<String>> DEPENDENT_KINDS =
      List.of(
          List.of("apps/v1", "DaemonSet"),
          List.of("v1", "ServiceAccount"),
          List.of("v1", "ConfigMap"),
          List.of("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
          List.of("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition"),
          List.of("kvswitch.io/v1alpha1", "SwitchNodeState"),
          List.of("kvswitch.io/v1alpha1", "SwitchPort"),
          List.of("kvswitch.io/v1alpha1", "DhcpLease"),
          List.of("kvswitch.io/v1alpha1", "DhcpLeaseBlock"),
          List.of("kvswitch.io/v1alpha1", "AddressBlock"));

  private final KubernetesClient client;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  GarbageCollector(KubernetesClient client) {
    this.client = client;
  }

  void start() {
    loop.scheduleWithFixedDelay(this::collect, 2, 1, TimeUnit.SECONDS);
  }

  private void collect() {
    for (List<String> kind : DEPENDENT_KINDS) {
      try {
        for (GenericKubernetesResource object :
            client
                .genericKubernetesResources(kind.get(0), kind.get(1))
                .inAnyNamespace()
                .list()
                .getItems()) {
          List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
          if (owners != null
              && !owners.isEmpty()
              && owners.stream().noneMatch(owner -> exists(owner, object))) {
            LOG.info(
                "garbage collector: deleting {} {}/{}: its owners are gone",
                kind.get(1),
                object.getMetadata().getNamespace(),
                object.getMetadata().getName());
            client.resource(object).delete();
          }
        }
      } catch (KubernetesClientException e) {
        // A kind the server does not serve (yet): nothing of it to collect.
        LOG.debug("garbage collector: {} {}: {}", kind.get(0), kind.get(1), e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("garbage collector: {} failed", kind.get(1), e);
      }
    }
  }

  /** Whether the owner still exists with the uid the reference names. */
  private boolean exists(OwnerReference owner, GenericKubernetesResource dependent) {
    var resources = client.genericKubernetesResources(owner.getApiVersion(), owner.getKind());
    // Namespaced owners live in their dependent's namespace; the client ignores the namespace
    // for cluster-scoped kinds, which discovery tells it about.
    String namespace = dependent.getMetadata().getNamespace();
    GenericKubernetesResource found =
        namespace == null
            ? resources.withName(owner.getName()).get()
            : resources.inNamespace(namespace).withName(owner.getName()).get();
    return found != null && Objects.equals(found.getMetadata().getUid(), owner.getUid());
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
