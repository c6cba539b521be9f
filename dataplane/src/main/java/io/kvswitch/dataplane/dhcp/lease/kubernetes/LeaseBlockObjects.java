package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlockSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.WorkloadReference;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Converts between {@link DhcpLeaseBlock} objects and the lease records they hold. */
final class LeaseBlockObjects {

  private LeaseBlockObjects() {}

  /** A block object without records, to be created before its first record is written. */
  static DhcpLeaseBlock empty(
      String namespace, String network, NetworkOwner networkOwner, LeaseBlockKey key) {
    DhcpLeaseBlockSpec spec = new DhcpLeaseBlockSpec();
    spec.setNetwork(network);
    spec.setRange(key.rangeText());
    spec.setBound(0);
    DhcpLeaseBlock object = new DhcpLeaseBlock();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(key.name())
            .withLabels(Map.of(DhcpLabels.NETWORK, network))
            .withOwnerReferences(networkOwner.references())
            .build());
    object.setSpec(spec);
    return object;
  }

  /**
   * A copy of {@code base} with {@code changed} records put in, at {@code base}'s resourceVersion
   * (the update's precondition), with the bound count recomputed.
   */
  static DhcpLeaseBlock withRecords(DhcpLeaseBlock base, Map<String, DhcpLeaseRecord> changed) {
    DhcpLeaseBlockSpec spec = new DhcpLeaseBlockSpec();
    spec.setNetwork(base.getSpec().getNetwork());
    spec.setRange(base.getSpec().getRange());
    Map<String, DhcpLeaseRecord> records = new LinkedHashMap<>(base.getSpec().getRecords());
    records.putAll(changed);
    spec.setRecords(records);
    spec.setBound(
        (int) records.values().stream().filter(r -> r.getState() == DhcpLeaseState.Bound).count());
    DhcpLeaseBlock next = new DhcpLeaseBlock();
    next.setMetadata(new ObjectMetaBuilder(base.getMetadata()).build());
    next.setSpec(spec);
    return next;
  }

  /** The stored form of a lease, versioned by the resourceVersion its write is made against. */
  static DhcpLeaseRecord toRecord(Lease lease, long revision, Optional<WorkloadReference> owner) {
    DhcpLeaseRecord record = new DhcpLeaseRecord();
    record.setClientId(lease.client().value());
    record.setMac(lease.mac().toString());
    record.setHostname(lease.hostname().isEmpty() ? null : lease.hostname());
    record.setOwner(owner.orElse(null));
    record.setNode(lease.node());
    record.setState(LeaseObjects.toApi(lease.state()));
    record.setExpiresAt(lease.expiresAt().toString());
    record.setRevision(revision);
    return record;
  }

  /**
   * The lease a stored record holds, with its revision as version.
   *
   * @throws IllegalArgumentException when the record is not well-formed
   */
  static Versioned<Lease> fromRecord(String address, DhcpLeaseRecord record) {
    if (record == null) {
      throw new IllegalArgumentException("record of " + address + " is empty");
    }
    if (record.getRevision() == null) {
      throw new IllegalArgumentException("record of " + address + " has no revision");
    }
    Lease lease =
        new Lease(
            Ipv4Address.parse(address),
            new ClientKey(required(record.getClientId(), address, "clientId")),
            MacAddress.parse(required(record.getMac(), address, "mac")),
            record.getHostname() == null ? "" : record.getHostname(),
            required(record.getNode(), address, "node"),
            Instant.parse(required(record.getExpiresAt(), address, "expiresAt")),
            LeaseObjects.fromApi(record.getState()));
    return new Versioned<>(lease, record.getRevision());
  }

  /** The object's resourceVersion as a number. */
  static long version(DhcpLeaseBlock object) {
    return ResourceVersions.parse(object.getMetadata().getResourceVersion());
  }

  private static String required(String value, String address, String field) {
    if (value == null) {
      throw new IllegalArgumentException("record of " + address + " has no " + field);
    }
    return value;
  }
}
