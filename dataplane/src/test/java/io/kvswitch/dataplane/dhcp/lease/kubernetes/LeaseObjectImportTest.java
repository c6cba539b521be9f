package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.WorkloadReference;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.LeaseWrite;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.lease.WriteOutcome;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.testing.ProjectCrds;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A network whose leases were written one {@code DhcpLease} object each (by an agent before the
 * per-block records) keeps them when its store opens on the per-block records.
 */
@EnableKubernetesMockClient(crud = true)
class LeaseObjectImportTest {

  private static final String NAMESPACE = "tenants";
  private static final Instant EXPIRY = Instant.parse("2030-01-01T00:00:00Z");

  // Blocks of 8 addresses, aligned: 10.0.0.8-15, 10.0.0.16-23, ...

  KubernetesClient client;

  @BeforeEach
  void registerCrds() throws IOException {
    ProjectCrds.register(client);
  }

  private KubernetesBlockRecordStore open() {
    return KubernetesBlockRecordStore.open(
        client, NAMESPACE, "blue", 8, NetworkOwner.NONE, OwnerResolver.NONE);
  }

  /** A lease object as the per-lease store wrote it: network and node labels, no projection. */
  private DhcpLease leaseObject(String ip, String macByte, Optional<WorkloadReference> owner) {
    DhcpLeaseSpec spec = new DhcpLeaseSpec();
    spec.setNetwork("blue");
    spec.setIp(ip);
    spec.setClientId("hw-1-0200000000" + macByte);
    spec.setMac("02:00:00:00:00:" + macByte);
    spec.setHostname("host-" + macByte);
    spec.setOwner(owner.orElse(null));
    spec.setNode("node-a");
    spec.setState(DhcpLeaseState.Bound);
    spec.setExpiresAt(EXPIRY.toString());
    DhcpLease object = new DhcpLease();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(NAMESPACE)
            .withName(DhcpLease.nameOf("blue", ip))
            .withLabels(Map.of(DhcpLabels.NETWORK, "blue", DhcpLabels.NODE, "node-a"))
            .build());
    object.setSpec(spec);
    return client.resource(object).create();
  }

  @Test
  void leaseObjectsBecomeTheRecordsOfTheirBlocksOnceAndKeepTheirVersions() {
    DhcpLease first =
        leaseObject(
            "10.0.0.10",
            "01",
            Optional.of(new WorkloadReference("VirtualMachineInstance", "db-0")));
    DhcpLease second = leaseObject("10.0.0.11", "02", Optional.empty());
    DhcpLease third = leaseObject("10.0.0.20", "03", Optional.empty());
    // Unreadable (no MAC): the per-lease store ignored it too.
    DhcpLeaseSpec broken = new DhcpLeaseSpec();
    broken.setNetwork("blue");
    broken.setIp("10.0.0.12");
    broken.setState(DhcpLeaseState.Bound);
    DhcpLease malformed = new DhcpLease();
    malformed.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(NAMESPACE)
            .withName(DhcpLease.nameOf("blue", "10.0.0.12"))
            .withLabels(Map.of(DhcpLabels.NETWORK, "blue"))
            .build());
    malformed.setSpec(broken);
    client.resource(malformed).create();

    try (KubernetesBlockRecordStore store = open()) {
      assertThat(store.importedBlocks()).isEqualTo(2);
      Versioned<Lease> imported = store.byAddress(Ipv4Address.parse("10.0.0.10")).orElseThrow();
      assertThat(imported.version())
          .isEqualTo(Long.parseLong(first.getMetadata().getResourceVersion()));
      assertThat(imported.value().mac()).isEqualTo(MacAddress.parse("02:00:00:00:00:01"));
      assertThat(imported.value().hostname()).isEqualTo("host-01");
      assertThat(store.byClient(new ClientKey("hw-1-020000000002")).orElseThrow().version())
          .isEqualTo(Long.parseLong(second.getMetadata().getResourceVersion()));
      assertThat(store.byAddress(Ipv4Address.parse("10.0.0.20")).orElseThrow().version())
          .isEqualTo(Long.parseLong(third.getMetadata().getResourceVersion()));
      assertThat(store.byAddress(Ipv4Address.parse("10.0.0.12"))).isEmpty();

      // A renewal at the version read from the old object commits against the block.
      Lease old = imported.value();
      Lease renewed =
          new Lease(
              old.address(),
              old.client(),
              old.mac(),
              old.hostname(),
              "node-b",
              EXPIRY.plusSeconds(3600),
              LeaseState.BOUND);
      assertThat(store.write(List.of(new LeaseWrite(renewed, imported.version()))))
          .singleElement()
          .isInstanceOf(WriteOutcome.Committed.class);
    }

    Map<String, DhcpLeaseRecord> records = RecordsInApi.all(client, NAMESPACE, "blue");
    assertThat(records).containsOnlyKeys("10.0.0.10", "10.0.0.11", "10.0.0.20");
    assertThat(records.get("10.0.0.10").getOwner().getName()).isEqualTo("db-0");
    assertThat(records.get("10.0.0.10").getNode()).isEqualTo("node-b");
    assertThat(records.get("10.0.0.11").getState()).isEqualTo(DhcpLeaseState.Bound);

    // The next node to open finds the blocks and imports nothing; an object of an address whose
    // block exists is a projection and never read back.
    leaseObject("10.0.0.13", "04", Optional.empty());
    try (KubernetesBlockRecordStore again = open()) {
      assertThat(again.importedBlocks()).isZero();
      assertThat(again.all()).hasSize(3);
      assertThat(again.byAddress(Ipv4Address.parse("10.0.0.13"))).isEmpty();
    }
  }

  @Test
  void projectedObjectsAreNeverImported() {
    DhcpLeaseRecord record = new DhcpLeaseRecord();
    record.setClientId("hw-1-020000000009");
    record.setMac("02:00:00:00:00:09");
    record.setNode("node-a");
    record.setState(DhcpLeaseState.Bound);
    record.setExpiresAt(EXPIRY.toString());
    client
        .resource(
            LeaseObjects.projectionOf(
                NAMESPACE, "blue", NetworkOwner.NONE, "10.0.0.40", record, null))
        .create();

    try (KubernetesBlockRecordStore store = open()) {
      assertThat(store.importedBlocks()).isZero();
      assertThat(store.byAddress(Ipv4Address.parse("10.0.0.40"))).isEmpty();
    }
  }

  @Test
  void aNetworkWithoutLeaseObjectsImportsNothing() {
    try (KubernetesBlockRecordStore store = open()) {
      assertThat(store.importedBlocks()).isZero();
      assertThat(store.all()).isEmpty();
    }
    assertThat(RecordsInApi.all(client, NAMESPACE, "blue")).isEmpty();
  }
}
