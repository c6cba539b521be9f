package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import java.util.List;

/**
 * The VlanNetwork a network's lease records and address blocks belong to, as their owner reference:
 * deleting the network lets the API server's garbage collector remove them, so no lease of a
 * deleted network outlives it and a network created again under the same name starts empty.
 *
 * <p>Not a controller reference and not blocking deletion: the operator stays the only controller
 * of what it makes, and the agent needs no permission on the network's finalizers.
 */
public final class NetworkOwner {

  /** No owner: records made outside a cluster's networks (benchmarks, tests of the store alone). */
  public static final NetworkOwner NONE = new NetworkOwner(null);

  private final OwnerReference reference;

  private NetworkOwner(OwnerReference reference) {
    this.reference = reference;
  }

  /** The owner reference naming {@code network}, which must have been read from the API. */
  public static NetworkOwner of(VlanNetwork network) {
    String uid = network.getMetadata().getUid();
    if (uid == null || uid.isEmpty()) {
      throw new IllegalArgumentException(
          "VlanNetwork " + network.getMetadata().getName() + " has no uid: read it from the API");
    }
    return new NetworkOwner(
        new OwnerReferenceBuilder()
            .withApiVersion(HasMetadata.getApiVersion(VlanNetwork.class))
            .withKind(HasMetadata.getKind(VlanNetwork.class))
            .withName(network.getMetadata().getName())
            .withUid(uid)
            .build());
  }

  /**
   * Reads the network from the API.
   *
   * @throws IllegalStateException when there is no such network (deleted, or not created yet): its
   *     records would have nothing to belong to
   */
  public static NetworkOwner lookUp(KubernetesClient client, String namespace, String network) {
    VlanNetwork found =
        client.resources(VlanNetwork.class).inNamespace(namespace).withName(network).get();
    if (found == null) {
      throw new IllegalStateException(
          "VlanNetwork " + namespace + "/" + network + " does not exist; its leases need it");
    }
    return of(found);
  }

  /**
   * Whether an object belongs to this network: it names the network's uid as an owner. Objects of a
   * network deleted and created again under the same name name the old uid, and are garbage to be
   * collected, not records. {@link #NONE} owns everything.
   */
  boolean owns(HasMetadata object) {
    if (reference == null) {
      return true;
    }
    List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
    return owners != null
        && owners.stream().anyMatch(owner -> reference.getUid().equals(owner.getUid()));
  }

  /** Whether both name the same network object (the same uid; {@link #NONE} only itself). */
  boolean sameAs(NetworkOwner other) {
    if (reference == null || other.reference == null) {
      return reference == other.reference;
    }
    return reference.getUid().equals(other.reference.getUid());
  }

  /** The owner references a record of the network carries: one, or none for {@link #NONE}. */
  List<OwnerReference> references() {
    return reference == null ? List.of() : List.of(reference);
  }
}
