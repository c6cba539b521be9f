package io.kvswitch.dataplane.agent;

import java.util.List;

/**
 * Counter totals the agent reports in its node state's status.
 *
 * @param ports ports plugged into the switch
 * @param macEntries entries in the MAC table
 * @param rxPackets frames received from every port
 * @param txPackets frames sent to every port
 * @param droppedPackets frames dropped for any reason, overlay datagrams dropped on receive
 *     included
 * @param overlay the VXLAN overlay's counters
 * @param mirrors per mirror session programmed here, ascending by session
 */
public record EngineCounters(
    int ports,
    int macEntries,
    long rxPackets,
    long txPackets,
    long droppedPackets,
    OverlayCounters overlay,
    List<MirrorSessionCounters> mirrors) {

  public EngineCounters {
    mirrors = List.copyOf(mirrors);
  }

  /** Without mirror sessions. */
  public EngineCounters(
      int ports,
      int macEntries,
      long rxPackets,
      long txPackets,
      long droppedPackets,
      OverlayCounters overlay) {
    this(ports, macEntries, rxPackets, txPackets, droppedPackets, overlay, List.of());
  }

  public static final EngineCounters NONE = new EngineCounters(0, 0, 0, 0, 0);

  /** Without an overlay. */
  public EngineCounters(
      int ports, int macEntries, long rxPackets, long txPackets, long droppedPackets) {
    this(ports, macEntries, rxPackets, txPackets, droppedPackets, OverlayCounters.NONE);
  }
}
