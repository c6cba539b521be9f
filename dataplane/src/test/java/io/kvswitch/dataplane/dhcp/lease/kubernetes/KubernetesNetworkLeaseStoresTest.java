package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import io.kvswitch.dataplane.dhcp.config.AddressRange;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.LeaseWrite;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeases;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.lease.WriteOutcome;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.testing.ProjectCrds;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's stores of a network, as two nodes open them against one API server. */
@EnableKubernetesMockClient(crud = true)
class KubernetesNetworkLeaseStoresTest {

  private static final Instant ENDED = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOW = ENDED.plusSeconds(60);

  /** Blocks of 4: 10-13 (node-a), 14-17 (node-b), 18-21 (nobody), 22-25 (departed node-c). */
  private static final AddressRange RANGE = AddressRange.parse("10.0.0.10", "10.0.0.25");

  KubernetesClient client;

  @BeforeEach
  void createNetwork() throws IOException {
    registerCrds();
    createVlanNetwork();
  }

  private void registerCrds() throws IOException {
    ProjectCrds.register(client);
  }

  private VlanNetwork createVlanNetwork() {
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(new ObjectMetaBuilder().withNamespace("apps").withName("web").build());
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSwitchName("fabric");
    spec.setVlanId(100);
    spec.setSubnet("10.0.0.0/24");
    network.setSpec(spec);
    return client.resource(network).create();
  }

  private NetworkLeases open(String node) {
    return open(node, RANGE);
  }

  private NetworkLeases open(String node, AddressRange range) {
    // node-a and node-b are in the cluster; node-c has left it.
    NodeDirectory directory = name -> !Set.of("node-a", "node-b").contains(name);
    return new KubernetesNetworkLeaseStores(client, node, OwnerResolver.NONE, directory)
        .open("apps", "web", range, 4);
  }

  /**
   * Block 0 for node-a, 1 for node-b, 3 for node-c (departed), 2 for nobody; one lease that has
   * ended in each: 10.0.0.10, .14, .18 and .22.
   */
  private static void claimBlocksAndEndOneLeaseInEach(NetworkLeases a) throws Exception {
    a.ledger().claim(0, "node-a", a.ledger().read().version());
    a.ledger().claim(1, "node-b", a.ledger().read().version());
    a.ledger().claim(3, "node-c", a.ledger().read().version());
    assertThat(
            a.store()
                .write(
                    List.of(
                        endedLease("10.0.0.10", 1),
                        endedLease("10.0.0.14", 2),
                        endedLease("10.0.0.18", 3),
                        endedLease("10.0.0.22", 4))))
        .allMatch(o -> o instanceof WriteOutcome.Committed);
  }

  private static LeaseWrite endedLease(String ip, int client) {
    return new LeaseWrite(
        new Lease(
            Ipv4Address.parse(ip),
            new ClientKey("hw-1-02000000000" + client),
            MacAddress.parse("02:00:00:00:00:0" + client),
            "",
            "node-a",
            ENDED,
            LeaseState.BOUND),
        LeaseWrite.CREATE);
  }

  private DhcpLeaseState stateInApi(String ip) {
    return RecordsInApi.of(client, "apps", "web", ip).orElseThrow().getState();
  }

  @Test
  void eachNodeReclaimsItsOwnBlocksAndThoseNobodyLiveOwns() throws Exception {
    try (NetworkLeases a = open("node-a");
        NetworkLeases b = open("node-b")) {
      claimBlocksAndEndOneLeaseInEach(a);
      await().until(() -> b.ledger().read().value().size() == 3);
      await().until(() -> b.store().byAddress(ip("10.0.0.22")).isPresent());

      // Node A: its block 0, unowned block 2 and departed node-c's block 3; not node B's block 1.
      assertThat(a.reclaimExpired(NOW)).isEqualTo(3);
      assertThat(stateInApi("10.0.0.10")).isEqualTo(DhcpLeaseState.Released);
      assertThat(stateInApi("10.0.0.14")).isEqualTo(DhcpLeaseState.Bound);
      assertThat(stateInApi("10.0.0.18")).isEqualTo(DhcpLeaseState.Released);
      assertThat(stateInApi("10.0.0.22")).isEqualTo(DhcpLeaseState.Released);

      // Node B reclaims its own block; what node A released is not reclaimed again.
      await()
          .until(
              () ->
                  b.store().byAddress(ip("10.0.0.22")).orElseThrow().value().state()
                      == LeaseState.RELEASED);
      assertThat(b.reclaimExpired(NOW)).isEqualTo(1);
      assertThat(stateInApi("10.0.0.14")).isEqualTo(DhcpLeaseState.Released);
    }
  }

  @Test
  void aNodeProjectsTheRecordsOfTheBlocksItLooksAfterAsDhcpLeaseObjects() throws Exception {
    try (NetworkLeases a = open("node-a")) {
      claimBlocksAndEndOneLeaseInEach(a);

      // Its own block 0, unowned block 2 and departed node-c's block 3; node B (in the cluster,
      // not running here) projects its own block 1.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  leaseObjects()
                      .keySet()
                      .containsAll(Set.of("10.0.0.10", "10.0.0.18", "10.0.0.22")));
      Map<String, DhcpLease> objects = leaseObjects();
      assertThat(objects).doesNotContainKey("10.0.0.14");
      DhcpLeaseSpec projected = objects.get("10.0.0.10").getSpec();
      assertThat(projected.getMac()).isEqualTo("02:00:00:00:00:01");
      assertThat(projected.getNetwork()).isEqualTo("web");
      assertThat(projected.getState()).isEqualTo(DhcpLeaseState.Bound);
      assertThat(projected.getExpiresAt()).isEqualTo(ENDED.toString());
      assertThat(objects.get("10.0.0.10").getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(owner -> assertThat(owner.getName()).isEqualTo("web"));
    }
  }

  @Test
  void aChangedRangeKeepsEveryRecordWhereItWasSoNoAddressIsCommittedTwice() {
    LeaseWrite first = liveLease("10.0.0.20", 1);
    Versioned<Lease> committed;
    try (NetworkLeases before = open("node-a")) {
      committed =
          ((WriteOutcome.Committed) before.store().write(List.of(first)).getFirst()).lease();
    }

    // The VlanNetwork's range now starts 4 addresses later: its allocation blocks are cut anew.
    try (NetworkLeases after = open("node-b", AddressRange.parse("10.0.0.14", "10.0.0.29"))) {
      assertThat(after.store().byAddress(ip("10.0.0.20"))).contains(committed);
      assertThat(after.store().write(List.of(liveLease("10.0.0.20", 2))))
          .as("another client cannot take the address")
          .containsExactly(new WriteOutcome.Conflict(Optional.of(committed)));
      Lease renewed = committed.value().withState(LeaseState.BOUND, NOW.plusSeconds(7200));
      assertThat(after.store().write(List.of(new LeaseWrite(renewed, committed.version()))))
          .as("its holder renews it")
          .singleElement()
          .isInstanceOf(WriteOutcome.Committed.class);
    }
  }

  @Test
  void recordsOfAnEarlierNetworkOfTheSameNameAreNotThisOnes() {
    try (NetworkLeases old = open("node-a")) {
      assertThat(old.store().write(List.of(liveLease("10.0.0.10", 1))))
          .singleElement()
          .isInstanceOf(WriteOutcome.Committed.class);
    }
    // Deleted and created again before the garbage collector removed the old records.
    client.resources(VlanNetwork.class).inNamespace("apps").withName("web").delete();
    await()
        .until(
            () ->
                client.resources(VlanNetwork.class).inNamespace("apps").withName("web").get()
                    == null);
    VlanNetwork again = createVlanNetwork();

    try (NetworkLeases fresh = open("node-a")) {
      assertThat(fresh.store().byAddress(ip("10.0.0.10"))).isEmpty();
      // The old block is in the way until the garbage collector deletes it: the write waits
      // (conflicts, the client tries again) rather than write records the collector would take.
      assertThat(fresh.store().write(List.of(liveLease("10.0.0.10", 2))))
          .containsExactly(new WriteOutcome.Conflict(Optional.empty()));
      client.resources(DhcpLeaseBlock.class).inNamespace("apps").delete();
      assertThat(fresh.store().write(List.of(liveLease("10.0.0.10", 2))))
          .singleElement()
          .isInstanceOf(WriteOutcome.Committed.class);
    }
    DhcpLeaseBlock block =
        client
            .resources(DhcpLeaseBlock.class)
            .inNamespace("apps")
            .withName(DhcpLeaseBlock.nameOf("web", "10.0.0.0", 27))
            .get();
    assertThat(block.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(again.getMetadata().getUid()));
    assertThat(block.getSpec().getRecords()).containsOnlyKeys("10.0.0.10");
    assertThat(block.getSpec().getRecords().get("10.0.0.10").getMac())
        .isEqualTo("02:00:00:00:00:02");
  }

  @Test
  void aNodeTellsWhenItsNetworkWasDeletedAndCreatedAgain() throws Exception {
    try (NetworkLeases leases = open("node-a")) {
      assertThat(leases.replacedByAnotherNetwork()).isFalse();
      client.resources(VlanNetwork.class).inNamespace("apps").withName("web").delete();
      await()
          .until(
              () ->
                  client.resources(VlanNetwork.class).inNamespace("apps").withName("web").get()
                      == null);
      assertThat(leases.replacedByAnotherNetwork()).as("deleted, not created again").isFalse();
      createVlanNetwork();
      assertThat(leases.replacedByAnotherNetwork()).isTrue();
    }
  }

  private static LeaseWrite liveLease(String ip, int client) {
    return new LeaseWrite(
        new Lease(
            Ipv4Address.parse(ip),
            new ClientKey("hw-1-02000000000" + client),
            MacAddress.parse("02:00:00:00:00:0" + client),
            "",
            "node-a",
            NOW.plusSeconds(3600),
            LeaseState.BOUND),
        LeaseWrite.CREATE);
  }

  private Map<String, DhcpLease> leaseObjects() {
    return client.resources(DhcpLease.class).inNamespace("apps").list().getItems().stream()
        .collect(Collectors.toMap(l -> l.getSpec().getIp(), l -> l));
  }

  private static Ipv4Address ip(String text) {
    return Ipv4Address.parse(text);
  }
}
