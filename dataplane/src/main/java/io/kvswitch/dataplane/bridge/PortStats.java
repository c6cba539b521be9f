package io.kvswitch.dataplane.bridge;

import io.kvswitch.dataplane.engine.DropReason;
import java.util.Map;

/**
 * Counters of one port, summed over all forwarding threads.
 *
 * @param macEntries dynamic MAC table entries learned on the port
 * @param drops frames dropped per reason: ingress drops against the port they came in on, {@link
 *     DropReason#TRANSMIT_REFUSED} against the port that refused them
 */
public record PortStats(
    String name,
    long rxPackets,
    long rxBytes,
    long txPackets,
    long txBytes,
    int macEntries,
    Map<DropReason, Long> drops) {

  public PortStats {
    drops = Map.copyOf(drops);
  }

  /** Frames dropped for {@code reason}, 0 when none were. */
  public long drops(DropReason reason) {
    return drops.getOrDefault(reason, 0L);
  }

  public long totalDrops() {
    return drops.values().stream().mapToLong(Long::longValue).sum();
  }
}
