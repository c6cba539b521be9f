package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.dataplane.dhcp.lease.ClientKey;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.LeaseState;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Instant;
import java.util.Map;

/** Converts lease records to {@link DhcpLease} objects and back. */
final class LeaseObjects {

  private LeaseObjects() {}

  /**
   * The object showing a record of a {@link io.kvswitch.api.v1alpha1.DhcpLeaseBlock}, as the {@link
   * LeaseProjector} writes it: the name, network and node labels and owner a record had when each
   * lease was kept in its own object, and the {@link DhcpLabels#PROJECTED} label.
   *
   * @param resourceVersion the update's precondition, or null for a create
   */
  static DhcpLease projectionOf(
      String namespace,
      String network,
      NetworkOwner networkOwner,
      String ip,
      DhcpLeaseRecord record,
      String resourceVersion) {
    DhcpLeaseSpec spec = new DhcpLeaseSpec();
    spec.setNetwork(network);
    spec.setIp(ip);
    spec.setClientId(record.getClientId());
    spec.setMac(record.getMac());
    spec.setHostname(record.getHostname());
    spec.setOwner(record.getOwner());
    spec.setNode(record.getNode());
    spec.setState(record.getState());
    spec.setExpiresAt(record.getExpiresAt());
    return object(namespace, network, networkOwner, spec, resourceVersion);
  }

  /** The labels of a projected record: its network, the node that wrote it last, projected. */
  static Map<String, String> labels(String network, String node) {
    return Map.of(DhcpLabels.NETWORK, network, DhcpLabels.NODE, node, DhcpLabels.PROJECTED, "true");
  }

  private static DhcpLease object(
      String namespace,
      String network,
      NetworkOwner networkOwner,
      DhcpLeaseSpec spec,
      String resourceVersion) {
    DhcpLease object = new DhcpLease();
    object.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(DhcpLease.nameOf(network, spec.getIp()))
            .withLabels(labels(network, spec.getNode()))
            .withOwnerReferences(networkOwner.references())
            .withResourceVersion(resourceVersion)
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
