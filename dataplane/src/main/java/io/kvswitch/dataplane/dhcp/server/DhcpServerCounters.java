package io.kvswitch.dataplane.dhcp.server;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What one network's server received, answered and dropped, for metrics and tests. */
public final class DhcpServerCounters {

  private final Map<DhcpMessageType, LongAdder> received = new EnumMap<>(DhcpMessageType.class);
  private final Map<DhcpMessageType, LongAdder> sent = new EnumMap<>(DhcpMessageType.class);
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
  private final LongAdder conflicts = new LongAdder();
  private final LongAdder acksFromDurableLease = new LongAdder();

  public DhcpServerCounters() {
    for (DhcpMessageType type : DhcpMessageType.values()) {
      received.put(type, new LongAdder());
      sent.put(type, new LongAdder());
    }
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, new LongAdder());
    }
  }

  public long received(DhcpMessageType type) {
    return received.get(type).sum();
  }

  public long sent(DhcpMessageType type) {
    return sent.get(type).sum();
  }

  public long dropped(DropReason reason) {
    return dropped.get(reason).sum();
  }

  /** Lease writes that lost against another writer. */
  public long conflicts() {
    return conflicts.sum();
  }

  /**
   * Renewals answered from the lease already durable in the store, with its remaining time, while
   * the store could not be written.
   */
  public long acksFromDurableLease() {
    return acksFromDurableLease.sum();
  }

  void countReceived(DhcpMessageType type) {
    received.get(type).increment();
  }

  void countSent(DhcpMessageType type) {
    sent.get(type).increment();
  }

  void countDropped(DropReason reason) {
    dropped.get(reason).increment();
  }

  void countConflict() {
    conflicts.increment();
  }

  void countAckFromDurableLease() {
    acksFromDurableLease.increment();
  }
}
