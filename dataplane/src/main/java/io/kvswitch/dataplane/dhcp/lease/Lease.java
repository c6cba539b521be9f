package io.kvswitch.dataplane.dhcp.lease;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * One address's lease record, as stored cluster-wide. There is at most one record per address; that
 * is what makes optimistic concurrency on the record enough to keep addresses unique.
 *
 * @param address the leased address
 * @param client the lease key
 * @param mac the client's hardware address, for {@code kubectl get} and port security
 * @param hostname what the client called itself (option 12), or empty
 * @param node the node whose server wrote the record last
 * @param expiresAt end of the lease, of the quarantine for {@link LeaseState#DECLINED}, or the
 *     moment of release
 * @param state what the record means
 */
public record Lease(
    Ipv4Address address,
    ClientKey client,
    MacAddress mac,
    String hostname,
    String node,
    Instant expiresAt,
    LeaseState state) {

  public Lease {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(state, "state");
  }

  /** Whether the client holds the address at {@code now}. */
  public boolean isBoundAt(Instant now) {
    return state == LeaseState.BOUND && now.isBefore(expiresAt);
  }

  /** Whether the address is out of the pool for everybody at {@code now}. */
  public boolean isQuarantinedAt(Instant now) {
    return state == LeaseState.DECLINED && now.isBefore(expiresAt);
  }

  /** Whether {@code candidate} may take this record's address at {@code now}. */
  public boolean freeFor(ClientKey candidate, Instant now) {
    if (isQuarantinedAt(now)) {
      return false;
    }
    return client.equals(candidate) || !isBoundAt(now);
  }

  public Lease withState(LeaseState newState, Instant newExpiry) {
    return new Lease(address, client, mac, hostname, node, newExpiry, newState);
  }
}
