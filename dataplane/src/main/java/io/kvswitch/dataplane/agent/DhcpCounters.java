package io.kvswitch.dataplane.agent;

import io.kvswitch.dataplane.dhcp.lease.LeaseStoreCounters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in DHCP server's counters on one node, summed over its DHCP VLANs and over every server
 * the node ran for them, as the agent reports them in its node state's status.
 *
 * @param servedVlans VLANs served now
 * @param requests DHCP frames from local clients handed to a VLAN's server
 * @param replies reply frames sent towards the clients
 * @param received messages the servers received, by type label ({@code discover}, ...)
 * @param sent messages the servers sent, by type label ({@code offer}, {@code ack}, {@code nak})
 * @param drops requests without an answer, by reason label (the port's and the servers')
 * @param exhaustedNetworks networks (namespace/name) whose pool had no address for a new client
 * @param leaseStore what the servers' lease stores counted, those of closed servers included; its
 *     {@code projectionPending} only of the stores open now
 */
public record DhcpCounters(
    int servedVlans,
    long requests,
    long replies,
    Map<String, Long> received,
    Map<String, Long> sent,
    Map<String, Long> drops,
    List<String> exhaustedNetworks,
    LeaseStoreCounters leaseStore) {

  public static final DhcpCounters NONE =
      new DhcpCounters(0, 0, 0, Map.of(), Map.of(), Map.of(), List.of(), LeaseStoreCounters.NONE);

  public DhcpCounters {
    received = Map.copyOf(new TreeMap<>(received));
    sent = Map.copyOf(new TreeMap<>(sent));
    drops = Map.copyOf(new TreeMap<>(drops));
    exhaustedNetworks = exhaustedNetworks.stream().sorted().toList();
  }

  /** No VLAN served now and nothing ever counted: nothing to report. */
  public boolean isEmpty() {
    return servedVlans == 0
        && requests == 0
        && replies == 0
        && total(received) == 0
        && total(sent) == 0
        && total(drops) == 0
        && exhaustedNetworks.isEmpty()
        && leaseStore.isEmpty();
  }

  /** Requests dropped for any reason. */
  public long dropped() {
    return total(drops);
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
