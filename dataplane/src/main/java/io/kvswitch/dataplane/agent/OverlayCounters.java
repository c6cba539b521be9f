package io.kvswitch.dataplane.agent;

import io.kvswitch.dataplane.tunnel.VxlanRxDrop;
import io.kvswitch.dataplane.tunnel.VxlanTxDrop;
import java.util.EnumMap;
import java.util.Map;

/**
 * The VXLAN overlay's counters on one node, summed over every tunnel the engine had (the tunnel is
 * reopened when this node's underlay address or the overlay settings change).
 *
 * @param peers peer nodes with a tunnel port now
 * @param rxDecapsulated datagrams turned into frames
 * @param rxDrops datagrams dropped on receive, by reason (every reason present, zeros included)
 * @param txDatagrams datagrams the kernel took
 * @param txDropped encapsulated frames the kernel did not take (socket buffer full, no route)
 * @param txSegmentedFrames TCP GSO frames from local pods cut into segments for the tunnel
 * @param txGsoFallbacks times the kernel refused a UDP GSO send to a peer, which then got one
 *     datagram per message
 * @param rxCoalescedFrames GSO frames joined from TCP segments received through the tunnel
 * @param txOffloadDrops frames with an offload header the tunnel could not make complete, by reason
 *     (every reason present, zeros included)
 */
public record OverlayCounters(
    int peers,
    long rxDecapsulated,
    Map<VxlanRxDrop, Long> rxDrops,
    long txDatagrams,
    long txDropped,
    long txSegmentedFrames,
    long txGsoFallbacks,
    long rxCoalescedFrames,
    Map<VxlanTxDrop, Long> txOffloadDrops) {

  public static final OverlayCounters NONE =
      new OverlayCounters(0, 0, Map.of(), 0, 0, 0, 0, 0, Map.of());

  public OverlayCounters {
    EnumMap<VxlanRxDrop, Long> all = new EnumMap<>(VxlanRxDrop.class);
    for (VxlanRxDrop reason : VxlanRxDrop.values()) {
      all.put(reason, rxDrops.getOrDefault(reason, 0L));
    }
    rxDrops = Map.copyOf(all);
    EnumMap<VxlanTxDrop, Long> offload = new EnumMap<>(VxlanTxDrop.class);
    for (VxlanTxDrop reason : VxlanTxDrop.values()) {
      offload.put(reason, txOffloadDrops.getOrDefault(reason, 0L));
    }
    txOffloadDrops = Map.copyOf(offload);
  }

  /** No peer now and nothing ever counted: nothing to report. */
  public boolean isEmpty() {
    return peers == 0
        && rxDecapsulated == 0
        && rxDropped() == 0
        && txDatagrams == 0
        && txDropped == 0
        && txSegmentedFrames == 0
        && txGsoFallbacks == 0
        && rxCoalescedFrames == 0
        && txOffloadDrops.values().stream().allMatch(count -> count == 0);
  }

  /** Datagrams dropped on receive for any reason. */
  public long rxDropped() {
    return rxDrops.values().stream().mapToLong(Long::longValue).sum();
  }

  /** These counters plus {@code other}'s, with {@code peers} as given. */
  OverlayCounters plus(OverlayCounters other, int peers) {
    EnumMap<VxlanRxDrop, Long> drops = new EnumMap<>(VxlanRxDrop.class);
    for (VxlanRxDrop reason : VxlanRxDrop.values()) {
      drops.put(reason, rxDrops.get(reason) + other.rxDrops.get(reason));
    }
    EnumMap<VxlanTxDrop, Long> offload = new EnumMap<>(VxlanTxDrop.class);
    for (VxlanTxDrop reason : VxlanTxDrop.values()) {
      offload.put(reason, txOffloadDrops.get(reason) + other.txOffloadDrops.get(reason));
    }
    return new OverlayCounters(
        peers,
        rxDecapsulated + other.rxDecapsulated,
        drops,
        txDatagrams + other.txDatagrams,
        txDropped + other.txDropped,
        txSegmentedFrames + other.txSegmentedFrames,
        txGsoFallbacks + other.txGsoFallbacks,
        rxCoalescedFrames + other.rxCoalescedFrames,
        offload);
  }
}
