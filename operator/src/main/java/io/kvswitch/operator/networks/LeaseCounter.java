package io.kvswitch.operator.networks;

import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.DhcpReservation;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.LeaseCounts;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Counts a network's DHCP addresses from the lease records in its {@code DhcpLeaseBlock}s, which
 * the agents write (one object per address block, holding one record per address). Pure: spec,
 * blocks and the time in; counts and the moment they next change out.
 *
 * <ul>
 *   <li>{@code total}: the addresses the range can hand out to any client, the same set the servers
 *       allocate from: the range (or the whole subnet) less the network and broadcast addresses,
 *       the gateway (without one, the subnet's last host address, which the server keeps for
 *       itself), {@code excludeIps} and reserved addresses.
 *   <li>{@code used}: those of them held by a {@code Bound} record that has not expired.
 *   <li>{@code free}: the rest, less addresses a client declined that are still in quarantine.
 * </ul>
 *
 * <p>Records of addresses outside that set count nowhere: reserved addresses (inside the range or
 * outside it), excluded addresses and anything outside the range are not the pool's. A record whose
 * address key or {@code expiresAt} does not parse is skipped. Should one address have records in
 * two blocks (the agents never write that: each address has one aligned block; only a hand edit
 * does), the one with the higher {@code revision} counts: revisions of one address only grow, so it
 * is the one written last.
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
  static Optional<Result> count(
      VlanNetworkSpec spec, Collection<DhcpLeaseBlock> blocks, Instant now) {
    DhcpSpec dhcp = spec.getDhcp();
    if (dhcp == null || Boolean.FALSE.equals(dhcp.getEnabled()) || spec.getSubnet() == null) {
      return Optional.empty();
    }
    Pool pool;
    try {
      pool = Pool.of(spec, dhcp);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    long used = 0;
    long quarantined = 0;
    Instant next = null;
    for (Map.Entry<Long, DhcpLeaseRecord> entry : latestRecords(blocks).entrySet()) {
      DhcpLeaseRecord record = entry.getValue();
      if (record.getState() == null || record.getExpiresAt() == null) {
        continue;
      }
      Instant end;
      try {
        end = Instant.parse(record.getExpiresAt());
      } catch (DateTimeParseException e) {
        continue;
      }
      if (!pool.handsOut(entry.getKey()) || !end.isAfter(now)) {
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
    counts.setTotal(toInt(pool.total()));
    counts.setUsed(toInt(used));
    counts.setFree(toInt(Math.max(0, pool.total() - used - quarantined)));
    return Optional.of(new Result(counts, Optional.ofNullable(next)));
  }

  /**
   * The records of the blocks by address, one per address (the highest revision); records whose key
   * is not an IPv4 address are left out.
   */
  private static Map<Long, DhcpLeaseRecord> latestRecords(Collection<DhcpLeaseBlock> blocks) {
    Map<Long, DhcpLeaseRecord> latest = new HashMap<>();
    for (DhcpLeaseBlock block : blocks) {
      if (block.getSpec() == null || block.getSpec().getRecords() == null) {
        continue;
      }
      for (Map.Entry<String, DhcpLeaseRecord> entry : block.getSpec().getRecords().entrySet()) {
        if (entry.getKey() == null || entry.getValue() == null) {
          continue;
        }
        long address;
        try {
          address = parse(entry.getKey());
        } catch (IllegalArgumentException e) {
          continue;
        }
        latest.merge(
            address,
            entry.getValue(),
            (seen, other) -> revision(other) > revision(seen) ? other : seen);
      }
    }
    return latest;
  }

  private static long revision(DhcpLeaseRecord record) {
    return record.getRevision() == null ? Long.MIN_VALUE : record.getRevision();
  }

  /** The addresses the servers hand out to any client: {@code [first, last]} less some. */
  private record Pool(long first, long last, Set<Long> notHandedOut, long total) {

    static Pool of(VlanNetworkSpec spec, DhcpSpec dhcp) {
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
      return new Pool(from, to, notHandedOut, Math.max(0, to - from + 1 - excludedInRange));
    }

    boolean handsOut(long address) {
      return address >= first && address <= last && !notHandedOut.contains(address);
    }
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
