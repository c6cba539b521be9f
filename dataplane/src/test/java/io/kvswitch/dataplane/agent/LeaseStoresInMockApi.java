package io.kvswitch.dataplane.agent;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.KubernetesNetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.LeaseProjector;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.NodeDirectory;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.OwnerResolver;
import java.util.List;

/**
 * The agent's lease stores in fabric8's mock API server (CRUD mode, the project's CRDs registered),
 * with VlanNetworks made as the operator's users would: what a DHCP node needs to keep its leases
 * in the Kubernetes API in a test.
 */
final class LeaseStoresInMockApi implements AutoCloseable {

  private final RestartableMockApi api = new RestartableMockApi();
  private final KubernetesClient client = api.client();

  LeaseStoresInMockApi() {
    api.registerCrds(client);
  }

  /** Creates the VlanNetwork {@code namespace/name} on {@code vlanId}, {@code subnet}. */
  LeaseStoresInMockApi network(String namespace, String name, int vlanId, String subnet) {
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSwitchName("fabric");
    spec.setVlanId(vlanId);
    spec.setSubnet(subnet);
    network.setSpec(spec);
    client.resource(network).create();
    return this;
  }

  /** Deletes the VlanNetwork and creates it again: the same name, a new uid. */
  LeaseStoresInMockApi recreate(String namespace, String name, int vlanId, String subnet) {
    client.resources(VlanNetwork.class).inNamespace(namespace).withName(name).delete();
    return network(namespace, name, vlanId, subnet);
  }

  /** Deletes the namespace's lease blocks whose owner is no VlanNetwork that exists now. */
  void collectGarbage(String namespace) {
    List<String> live =
        client.resources(VlanNetwork.class).inNamespace(namespace).list().getItems().stream()
            .map(n -> n.getMetadata().getUid())
            .toList();
    for (DhcpLeaseBlock block : leaseBlocks(namespace)) {
      if (block.getMetadata().getOwnerReferences().stream()
          .noneMatch(owner -> live.contains(owner.getUid()))) {
        client.resource(block).delete();
      }
    }
  }

  /** The uid of the VlanNetwork now. */
  String uidOf(String namespace, String name) {
    return client
        .resources(VlanNetwork.class)
        .inNamespace(namespace)
        .withName(name)
        .get()
        .getMetadata()
        .getUid();
  }

  /** The stores of one node, as the agent opens them (every other node counts as present). */
  KubernetesNetworkLeaseStores storesOf(String node) {
    return storesOf(node, LeaseProjector.Settings.DEFAULT);
  }

  /** The stores of one node, projecting its records at the pace of {@code projection}. */
  KubernetesNetworkLeaseStores storesOf(String node, LeaseProjector.Settings projection) {
    return new KubernetesNetworkLeaseStores(
        client, node, OwnerResolver.NONE, NodeDirectory.NONE, projection);
  }

  List<DhcpLeaseBlock> leaseBlocks(String namespace) {
    return client.resources(DhcpLeaseBlock.class).inNamespace(namespace).list().getItems();
  }

  List<DhcpLease> leaseObjects(String namespace) {
    return client.resources(DhcpLease.class).inNamespace(namespace).list().getItems();
  }

  @Override
  public void close() {
    client.close();
    api.close();
  }
}
