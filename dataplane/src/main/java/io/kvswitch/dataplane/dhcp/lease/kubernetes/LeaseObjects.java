package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.WorkloadReference;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.LeaseWrite;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Converts lease records to {@link DhcpLease} objects and back. */
final class LeaseObjects {

  private LeaseObjects() {}

  /**
   * The object for a conditional write: {@code expectedVersion} becomes the resourceVersion
   * precondition (none for a create).
   */
  static DhcpLease toObject(
      String namespace,
      String network,
      NetworkOwner networkOwner,
      LeaseWrite write,
      Optional<WorkloadReference> owner) {
    Lease lease = write.lease();
    DhcpLeaseSpec spec = new DhcpLeaseSpec();
    spec.setNetwork(network);
    spec.setIp(lease.address().toString());
    spec.setClientId(lease.client().value());
    spec.setMac(lease.mac().toString());
    spec.setHostname(lease.hostname().isEmpty() ? null : lease.hostname());
    spec.setOwner(owner.orElse(null));
    spec.setNode(lease.node());
    spec.setState(toApi(lease.state()));
    spec.setExpiresAt(lease.expiresAt().toString());
    DhcpLease object = new DhcpLease();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(DhcpLease.nameOf(network, lease.address().toString()))
            .withLabels(Map.of(DhcpLabels.NETWORK, network, DhcpLabels.NODE, lease.node()))
            .withOwnerReferences(networkOwner.references())
            .withResourceVersion(
                write.expectedVersion() == LeaseWrite.CREATE
                    ? null
                    : ResourceVersions.format(write.expectedVersion()))
            .build());
    object.setSpec(spec);
    return object;
  }

  /**
   * The record an object holds.
   *
   * @throws IllegalArgumentException when the object is not a well-formed lease record
   */
  static Versioned<Lease> fromObject(DhcpLease object) {
    DhcpLeaseSpec spec = object.getSpec();
    if (spec == null) {
      throw new IllegalArgumentException(
          "DhcpLease " + object.getMetadata().getName() + " has no spec");
    }
    Lease lease =
        new Lease(
            Ipv4Address.parse(spec.getIp()),
            new ClientKey(spec.getClientId()),
            MacAddress.parse(spec.getMac()),
            spec.getHostname() == null ? "" : spec.getHostname(),
            spec.getNode(),
            Instant.parse(spec.getExpiresAt()),
            fromApi(spec.getState()));
    return new Versioned<>(
        lease, ResourceVersions.parse(object.getMetadata().getResourceVersion()));
  }

  static DhcpLeaseState toApi(LeaseState state) {
    return switch (state) {
      case BOUND -> DhcpLeaseState.Bound;
      case RELEASED -> DhcpLeaseState.Released;
      case DECLINED -> DhcpLeaseState.Declined;
    };
  }

  static LeaseState fromApi(DhcpLeaseState state) {
    if (state == null) {
      throw new IllegalArgumentException("lease state is missing");
    }
    return switch (state) {
      case Bound -> LeaseState.BOUND;
      case Released -> LeaseState.RELEASED;
      case Declined -> LeaseState.DECLINED;
    };
  }
}
