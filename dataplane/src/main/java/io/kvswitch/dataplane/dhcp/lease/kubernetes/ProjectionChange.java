package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseSpec;
import io.kvswitch.api.v1alpha1.WorkloadReference;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** How a {@link DhcpLease} object differs from the record it should show. */
enum ProjectionChange {
  /** A record without an object. */
  CREATE,
  /** An object showing something else than its record, apart from the end of the lease only. */
  UPDATE,
  /** An object that differs from its record only in {@code expiresAt}: a renewal. */
  RENEW,
  /** An object whose record is gone. */
  DELETE;

  /** Whether the change goes before renewals. */
  boolean urgent() {
    return this != RENEW;
  }

  /**
   * The change that makes {@code existing} show the record of {@code ip}, as {@link
   * LeaseObjects#projectionOf} would write it. Compares fields without building that object: a pass
   * compares every record of the blocks it projects.
   *
   * @param record the address's record, null when there is none
   * @param ownerReferences the owner references the object should carry
   * @param existing the object the API server holds, null when there is none
   * @return empty when the object already shows the record (or neither exists)
   */
  static Optional<ProjectionChange> of(
      String network,
      String ip,
      DhcpLeaseRecord record,
      List<OwnerReference> ownerReferences,
      DhcpLease existing) {
    if (record == null) {
      return existing == null ? Optional.empty() : Optional.of(DELETE);
    }
    if (existing == null) {
      return Optional.of(CREATE);
    }
    DhcpLeaseSpec have = existing.getSpec();
    if (have == null
        || !sameApartFromExpiry(network, ip, record, have)
        || !LeaseObjects.labels(network, record.getNode())
            .equals(existing.getMetadata().getLabels())
        || !ownerReferences.equals(orEmpty(existing.getMetadata().getOwnerReferences()))) {
      return Optional.of(UPDATE);
    }
    return Objects.equals(record.getExpiresAt(), have.getExpiresAt())
        ? Optional.empty()
        : Optional.of(RENEW);
  }

  private static boolean sameApartFromExpiry(
      String network, String ip, DhcpLeaseRecord want, DhcpLeaseSpec have) {
    return network.equals(have.getNetwork())
        && ip.equals(have.getIp())
        && Objects.equals(want.getClientId(), have.getClientId())
        && Objects.equals(want.getMac(), have.getMac())
        && Objects.equals(emptyAsNull(want.getHostname()), emptyAsNull(have.getHostname()))
        && sameOwner(want.getOwner(), have.getOwner())
        && Objects.equals(want.getNode(), have.getNode())
        && want.getState() == have.getState();
  }

  private static boolean sameOwner(WorkloadReference want, WorkloadReference have) {
    if (want == null || have == null) {
      return want == have;
    }
    return Objects.equals(want.getKind(), have.getKind())
        && Objects.equals(want.getName(), have.getName());
  }

  private static List<OwnerReference> orEmpty(List<OwnerReference> references) {
    return references == null ? List.of() : references;
  }

  /** The objects leave empty strings out when they are serialized. */
  private static String emptyAsNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
