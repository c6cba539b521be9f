package io.kvswitch.operator.networks;

import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.DhcpReservation;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.LeaseCounts;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Counts a network's DHCP addresses from its {@code DhcpLease} records, which the agents write (one
 * per address). Pure: spec, records and the time in; counts and the moment they next change out.
 *
 * <ul>
 *   <li>{@code total}: the addresses the range can hand out to any client, the same set the servers
 *       allocate from: the range (or the whole subnet) less the network and broadcast addresses,
 *       the gateway (without one, the subnet's last host address, which the server keeps for
 *       itself), {@code excludeIps} and reserved addresses.
 *   <li>{@code used}: those of them held by a {@code Bound} lease that has not expired.
 *   <li>{@code free}: the rest, less addresses a client declined that are still in quarantine.
 * </ul>
 */
final class LeaseCounter {

  /**
   * @param counts the network's counts
   * @param nextChange when the earliest lease or quarantine counted here ends, so the counts change
   *     without any record changing; empty when none will
   */
  record Result(LeaseCounts counts, Optional<Instant> nextChange) {}

  private LeaseCounter() {}

  /**
   * The counts of a network with DHCP enabled; empty when it has no DHCP service, or addresses the
   * API server's validation should have refused.
   */
  static Optional<Result> count(VlanNetworkSpec spec, List<DhcpLease> leases, Instant now) {
    DhcpSpec dhcp = spec.getDhcp();
    if (dhcp == null || Boolean.FALSE.equals(dhcp.getEnabled()) || spec.getSubnet() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(countValid(spec, dhcp, leases, now));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Result countValid(
      VlanNetworkSpec spec, DhcpSpec dhcp, List<DhcpLease> leases, Instant now) {
    long[] subnet = parseSubnet(spec.getSubnet());
    long network = subnet[0];
    long broadcast = subnet[1];
    long first = network + 1;
    long last = broadcast - 1;
    if (dhcp.getRangeStart() != null && dhcp.getRangeEnd() != null) {
      first = Math.max(first, parse(dhcp.getRangeStart()));
      last = Math.min(last, parse(dhcp.getRangeEnd()));
    }
    Set<Long> notHandedOut = new HashSet<>();
    notHandedOut.add(spec.getGateway() != null ? parse(spec.getGateway()) : broadcast - 1);
    spec.getExcludeIps().forEach(ip -> notHandedOut.add(parse(ip)));
    for (DhcpReservation reservation : dhcp.getReservations()) {
      notHandedOut.add(parse(reservation.getIp()));
    }
    final long from = first;
    final long to = last;
    long excludedInRange = notHandedOut.stream().filter(ip -> ip >= from && ip <= to).count();
    long total = Math.max(0, to - from + 1 - excludedInRange);

    long used = 0;
    long quarantined = 0;
    Instant next = null;
    for (DhcpLease lease : leases) {
      DhcpLeaseSpec record = lease.getSpec();
      if (record == null || record.getIp() == null || record.getState() == null) {
        continue;
      }
      if (record.getExpiresAt() == null) {
        continue;
      }
      long ip;
      Instant end;
      try {
        ip = parse(record.getIp());
        end = Instant.parse(record.getExpiresAt());
      } catch (IllegalArgumentException | DateTimeParseException e) {
        continue;
      }
      if (ip < from || ip > to || notHandedOut.contains(ip) || !end.isAfter(now)) {
        continue;
      }
      if (record.getState() == DhcpLeaseState.Bound) {
        used++;
      } else if (record.getState() == DhcpLeaseState.Declined) {
        quarantined++;
      } else {
        continue;
      }
      if (next == null || end.isBefore(next)) {
        next = end;
      }
    }
    LeaseCounts counts = new LeaseCounts();
    counts.setTotal(toInt(total));
    counts.setUsed(toInt(used));
    counts.setFree(toInt(Math.max(0, total - used - quarantined)));
    return new Result(counts, Optional.ofNullable(next));
  }

  private static int toInt(long value) {
    return (int) Math.min(Integer.MAX_VALUE, value);
  }

  /** Network and broadcast address of {@code a.b.c.d/len}. */
  private static long[] parseSubnet(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    int length = Integer.parseInt(cidr.substring(slash + 1));
    if (length < 0 || length > 32) {
      throw new IllegalArgumentException("bad prefix length in " + cidr);
    }
    long mask = length == 0 ? 0 : (0xffff_ffffL << (32 - length)) & 0xffff_ffffL;
    long network = parse(cidr.substring(0, slash)) & mask;
    return new long[] {network, network | (~mask & 0xffff_ffffL)};
  }

  private static long parse(String address) {
    String[] parts = address.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + address);
    }
    long value = 0;
    for (String part : parts) {
      int octet = Integer.parseInt(part);
      if (octet < 0 || octet > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + address);
      }
      value = value << 8 | octet;
    }
    return value;
  }
}
