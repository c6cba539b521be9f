package io.kvswitch.dataplane.agent;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.frame.DhcpFrameResponder;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreCounters;
import io.kvswitch.dataplane.dhcp.port.DhcpPortCounters;
import io.kvswitch.dataplane.dhcp.server.DhcpServerCounters;
import io.kvswitch.dataplane.dhcp.server.DropReason;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adds up what DHCP servers, their frame responders and their lease stores counted. The attachment
 * keeps one of these for the servers it has closed, so that a VLAN whose configuration changed (a
 * new server, with a new store) does not take its counts back.
 */
final class DhcpCounterTotals {

  private final EnumMap<DhcpMessageType, Long> received = new EnumMap<>(DhcpMessageType.class);
  private final EnumMap<DhcpMessageType, Long> sent = new EnumMap<>(DhcpMessageType.class);
  private final EnumMap<DropReason, Long> serverDrops = new EnumMap<>(DropReason.class);
  private long malformed;
  private long failed;
  private LeaseStoreCounters leaseStore = LeaseStoreCounters.NONE;

  /**
   * Adds one server's counters, those of the responder in front of it and those of its lease store
   * (of a closed store: {@link LeaseStoreCounters#closed()}, so nothing stays pending).
   */
  void add(DhcpServerCounters server, DhcpFrameResponder responder, LeaseStoreCounters leaseStore) {
    this.leaseStore = this.leaseStore.plus(leaseStore);
    for (DhcpMessageType type : DhcpMessageType.values()) {
      received.merge(type, server.received(type), Long::sum);
      sent.merge(type, server.sent(type), Long::sum);
    }
    for (DropReason reason : DropReason.values()) {
      serverDrops.merge(reason, server.dropped(reason), Long::sum);
    }
    malformed += responder.malformedFrames();
    failed += responder.failedRequests();
  }

  DhcpCounterTotals copy() {
    DhcpCounterTotals copy = new DhcpCounterTotals();
    copy.received.putAll(received);
    copy.sent.putAll(sent);
    copy.serverDrops.putAll(serverDrops);
    copy.malformed = malformed;
    copy.failed = failed;
    copy.leaseStore = leaseStore;
    return copy;
  }

  /**
   * These totals with the DHCP port's counters, as reported.
   *
   * @param port the switch's DHCP port's counters, or null before it exists
   */
  DhcpCounters report(int servedVlans, DhcpPortCounters port, List<String> exhaustedNetworks) {
    Map<String, Long> drops = new TreeMap<>();
    for (DropReason reason : DropReason.values()) {
      drops.put(label(reason), serverDrops.getOrDefault(reason, 0L));
    }
    drops.put("malformed", malformed);
    drops.put("failed", failed + (port == null ? 0 : port.failedRequests()));
    drops.put("queue_full", port == null ? 0 : port.queueFullDrops());
    drops.put("oversize", port == null ? 0 : port.oversizeFrames());
    drops.put("not_local_client", port == null ? 0 : port.notLocalClients());
    drops.put("reply_dropped", port == null ? 0 : port.repliesDropped());
    return new DhcpCounters(
        servedVlans,
        port == null ? 0 : port.requestsHandled(),
        port == null ? 0 : port.repliesSent(),
        byType(
            received,
            DhcpMessageType.DISCOVER,
            DhcpMessageType.REQUEST,
            DhcpMessageType.DECLINE,
            DhcpMessageType.RELEASE,
            DhcpMessageType.INFORM),
        byType(sent, DhcpMessageType.OFFER, DhcpMessageType.ACK, DhcpMessageType.NAK),
        drops,
        exhaustedNetworks,
        leaseStore);
  }

  private static Map<String, Long> byType(
      Map<DhcpMessageType, Long> counts, DhcpMessageType... types) {
    Map<String, Long> labelled = new TreeMap<>();
    for (DhcpMessageType type : types) {
      labelled.put(label(type), counts.getOrDefault(type, 0L));
    }
    return labelled;
  }

  static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
