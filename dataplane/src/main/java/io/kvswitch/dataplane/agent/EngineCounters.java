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
 * @param dhcp the built-in DHCP server's counters
 */
public record EngineCounters(
    int ports,
    int macEntries,
    long rxPackets,
    long txPackets,
    long droppedPackets,
    OverlayCounters overlay,
    List<MirrorSessionCounters> mirrors,
    DhcpCounters dhcp) {

  public EngineCounters {
    mirrors = List.copyOf(mirrors);
  }

  /** Without DHCP. */
  public EngineCounters(
      int ports,
      int macEntries,
      long rxPackets,
      long txPackets,
      long droppedPackets,
      OverlayCounters overlay,
      List<MirrorSessionCounters> mirrors) {
    this(
        ports,
        macEntries,
        rxPackets,
        txPackets,
        droppedPackets,
        overlay,
        mirrors,
        DhcpCounters.NONE);
  }

  public static final EngineCounters NONE = new EngineCounters(0, 0, 0, 0, 0);

  /** Without an overlay. */
  public EngineCounters(
      int ports, int macEntries, long rxPackets, long txPackets, long droppedPackets) {
    this(ports, macEntries, rxPackets, txPackets, droppedPackets, OverlayCounters.NONE);
  }

  /** Without mirror sessions and DHCP. */
  public EngineCounters(
      int ports,
      int macEntries,
      long rxPackets,
      long txPackets,
      long droppedPackets,
      OverlayCounters overlay) {
    this(ports, macEntries, rxPackets, txPackets, droppedPackets, overlay, List.of());
  }

  /** These counters with the DHCP server's. */
  public EngineCounters withDhcp(DhcpCounters counters) {
    return new EngineCounters(
        ports, macEntries, rxPackets, txPackets, droppedPackets, overlay, mirrors, counters);
  }
}
