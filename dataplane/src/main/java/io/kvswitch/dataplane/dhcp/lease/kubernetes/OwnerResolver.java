package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.kvswitch.api.v1alpha1.WorkloadReference;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.Optional;

/**
 * Which pod or VM an interface's MAC belongs to, so that {@code kubectl get dhcpleases} shows the
 * owner. The agent answers from its port table; a lease is written without an owner when the MAC is
 * not known there (a client behind a relay, for one).
 */
@FunctionalInterface
public interface OwnerResolver {

  OwnerResolver NONE = mac -> Optional.empty();

  Optional<WorkloadReference> ownerOf(MacAddress mac);
}
