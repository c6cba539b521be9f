package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.api.v1alpha1.AddressBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import io.kvswitch.dataplane.dhcp.config.AddressRange;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.LeaseWrite;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeases;
import io.kvswitch.dataplane.dhcp.lease.WriteOutcome;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.testing.ProjectCrds;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's lease records and address blocks belong to their VlanNetwork (an owner reference), so
 * the API server's garbage collector removes them with it; against fabric8's mock server.
 */
@EnableKubernetesMockClient(crud = true)
class NetworkOwnerTest {

  KubernetesClient client;

  @BeforeEach
  void registerCrds() throws IOException {
    ProjectCrds.register(client);
  }

  @Test
  void leasesAndBlocksOfANetworkAreOwnedByIt() throws Exception {
    VlanNetwork network = createNetwork("apps", "web");
    KubernetesNetworkLeaseStores stores =
        new KubernetesNetworkLeaseStores(client, "node-a", OwnerResolver.NONE, NodeDirectory.NONE);
    try (NetworkLeases leases =
        stores.open("apps", "web", AddressRange.parse("10.0.0.10", "10.0.0.29"), 10)) {
      leases.ledger().claim(0, "node-a", leases.ledger().read().version());
      Lease lease =
          new Lease(
              Ipv4Address.parse("10.0.0.10"),
              new ClientKey("01:02:00:00:00:00:01"),
              MacAddress.parse("02:00:00:00:00:01"),
              "",
              "node-a",
              Instant.parse("2030-01-01T00:00:00Z"),
              LeaseState.BOUND);
      List<WriteOutcome> outcomes =
          leases.store().write(List.of(new LeaseWrite(lease, LeaseWrite.CREATE)));
      assertThat(outcomes).singleElement().isInstanceOf(WriteOutcome.Committed.class);
    }

    DhcpLeaseBlock stored =
        client
            .resources(DhcpLeaseBlock.class)
            .inNamespace("apps")
            .withName(DhcpLeaseBlock.nameOf("web", "10.0.0.0", 27))
            .get();
    AddressBlock block =
        client
            .resources(AddressBlock.class)
            .inNamespace("apps")
            .withName(AddressBlock.nameOf("web", 0))
            .get();
    for (List<OwnerReference> owners :
        List.of(
            stored.getMetadata().getOwnerReferences(), block.getMetadata().getOwnerReferences())) {
      assertThat(owners).singleElement().satisfies(owner -> assertOwnedBy(owner, network));
    }
  }

  @Test
  void aNetworkThatDoesNotExistHasNoStore() {
    KubernetesNetworkLeaseStores stores =
        new KubernetesNetworkLeaseStores(client, "node-a", OwnerResolver.NONE, NodeDirectory.NONE);

    assertThatThrownBy(
            () -> stores.open("apps", "gone", AddressRange.parse("10.0.0.10", "10.0.0.29"), 10))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("VlanNetwork apps/gone does not exist; its leases need it");
  }

  @Test
  void aNetworkNotReadFromTheApiCannotOwnRecords() {
    VlanNetwork unsaved = new VlanNetwork();
    unsaved.setMetadata(new ObjectMetaBuilder().withNamespace("apps").withName("web").build());

    assertThatThrownBy(() -> NetworkOwner.of(unsaved))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no uid");
  }

  private static void assertOwnedBy(OwnerReference owner, VlanNetwork network) {
    assertThat(owner.getApiVersion()).isEqualTo("kvswitch.io/v1alpha1");
    assertThat(owner.getKind()).isEqualTo("VlanNetwork");
    assertThat(owner.getName()).isEqualTo("web");
    assertThat(owner.getUid()).isEqualTo(network.getMetadata().getUid()).isNotBlank();
    assertThat(owner.getController()).isNull();
    assertThat(owner.getBlockOwnerDeletion()).isNull();
  }

  private VlanNetwork createNetwork(String namespace, String name) {
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSwitchName("fabric");
    spec.setVlanId(100);
    spec.setSubnet("10.0.0.0/24");
    network.setSpec(spec);
    return client.resource(network).create();
  }
}
