package io.kvswitch.dataplane.metrics;

import io.kvswitch.dataplane.bond.ActiveBackupBond;
import io.kvswitch.dataplane.bond.Bond;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.bridge.PortStats;
import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.MacTableStats;
import io.kvswitch.dataplane.mirror.MirrorRule;
import io.kvswitch.dataplane.mirror.MirrorStats;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.tunnel.VxlanPeerPort;
import io.kvswitch.dataplane.tunnel.VxlanRxDrop;
import io.kvswitch.dataplane.tunnel.VxlanTunnel;
import io.kvswitch.dataplane.tunnel.VxlanTxDrop;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Renders a bridge's counters in the Prometheus text exposition format (version 0.0.4).
 *
 * <p>Every drop reason is exported for every port, zeros included, so that rates and alerts work
 * from the first scrape instead of from the first drop.
 */
public final class PrometheusText {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  /** The bridge's counters, then the tunnel's ({@code tunnel} may be null). */
  public static String render(Bridge bridge, VxlanTunnel tunnel) {
    String text = render(bridge);
    if (tunnel == null) {
      return text;
    }
    StringBuilder out = new StringBuilder(text);
    header(
        out,
        "kvswitch_vxlan_rx_decapsulated_total",
        "VXLAN datagrams turned into frames.",
        "counter");
    out.append("kvswitch_vxlan_rx_decapsulated_total ")
        .append(tunnel.rxDecapsulated())
        .append('\n');
    header(
        out,
        "kvswitch_vxlan_rx_drops_total",
        "VXLAN datagrams dropped on receive, by reason.",
        "counter");
    for (VxlanRxDrop reason : VxlanRxDrop.values()) {
      out.append("kvswitch_vxlan_rx_drops_total{reason=\"")
          .append(reason.label())
          .append("\"} ")
          .append(tunnel.rxDrops(reason))
          .append('\n');
    }
    header(out, "kvswitch_vxlan_tx_datagrams_total", "VXLAN datagrams sent, per peer.", "counter");
    for (VxlanPeerPort peer : tunnel.ports()) {
      peerSample(out, "kvswitch_vxlan_tx_datagrams_total", peer, peer.txDatagrams());
    }
    header(
        out,
        "kvswitch_vxlan_tx_dropped_total",
        "Encapsulated frames the kernel did not take, per peer.",
        "counter");
    for (VxlanPeerPort peer : tunnel.ports()) {
      peerSample(out, "kvswitch_vxlan_tx_dropped_total", peer, peer.txDropped());
    }
    header(
        out,
        "kvswitch_vxlan_tx_segmented_frames_total",
        "TCP GSO frames cut into segments for the tunnel, per peer.",
        "counter");
    for (VxlanPeerPort peer : tunnel.ports()) {
      peerSample(out, "kvswitch_vxlan_tx_segmented_frames_total", peer, peer.txSegmentedFrames());
    }
    header(
        out,
        "kvswitch_vxlan_tx_gso_fallbacks_total",
        "Times the kernel refused a UDP GSO send to a peer, which then gets one datagram per"
            + " system call message, per peer.",
        "counter");
    for (VxlanPeerPort peer : tunnel.ports()) {
      peerSample(out, "kvswitch_vxlan_tx_gso_fallbacks_total", peer, peer.txGsoFallbacks());
    }
    header(
        out,
        "kvswitch_vxlan_rx_coalesced_frames_total",
        "GSO frames joined from TCP segments received through the tunnel, per peer.",
        "counter");
    for (VxlanPeerPort peer : tunnel.ports()) {
      peerSample(out, "kvswitch_vxlan_rx_coalesced_frames_total", peer, peer.rxCoalescedFrames());
    }
    header(
        out,
        "kvswitch_vxlan_tx_offload_drops_total",
        "Frames with an offload header the tunnel could not make complete, by reason.",
        "counter");
    for (VxlanTxDrop reason : VxlanTxDrop.values()) {
      out.append("kvswitch_vxlan_tx_offload_drops_total{reason=\"")
          .append(reason.label())
          .append("\"} ")
          .append(tunnel.txDrops(reason))
          .append('\n');
    }
    header(
        out,
        "kvswitch_vxlan_rx_ring_overflows_total",
        "Frames dropped because a peer's receive ring was full.",
        "counter");
    for (VxlanPeerPort peer : tunnel.ports()) {
      peerSample(out, "kvswitch_vxlan_rx_ring_overflows_total", peer, peer.ringOverflows());
    }
    return out.toString();
  }

  private static void peerSample(StringBuilder out, String metric, VxlanPeerPort peer, long value) {
    out.append(metric)
        .append("{peer=\"")
        .append(escape(peer.peerName()))
        .append("\",address=\"")
        .append(peer.address().getHostAddress())
        .append("\"} ")
        .append(value)
        .append('\n');
  }

  public static String render(Bridge bridge) {
    StringBuilder out = new StringBuilder(4096);
    List<PortStats> ports = bridge.portStats();
    portCounter(
        out, ports, "kvswitch_port_rx_packets_total", "Frames received.", PortStats::rxPackets);
    portCounter(out, ports, "kvswitch_port_rx_bytes_total", "Bytes received.", PortStats::rxBytes);
    portCounter(
        out, ports, "kvswitch_port_tx_packets_total", "Frames transmitted.", PortStats::txPackets);
    portCounter(
        out, ports, "kvswitch_port_tx_bytes_total", "Bytes transmitted.", PortStats::txBytes);

    header(out, "kvswitch_port_drops_total", "Frames dropped, by reason.", "counter");
    for (PortStats port : ports) {
      for (DropReason reason : DropReason.values()) {
        out.append("kvswitch_port_drops_total{port=\"")
            .append(escape(port.name()))
            .append("\",reason=\"")
            .append(reason.label())
            .append("\"} ")
            .append(port.drops(reason))
            .append('\n');
      }
    }

    header(
        out, "kvswitch_port_mac_entries", "Dynamic MAC table entries learned on a port.", "gauge");
    for (PortStats port : ports) {
      out.append("kvswitch_port_mac_entries{port=\"")
          .append(escape(port.name()))
          .append("\"} ")
          .append(port.macEntries())
          .append('\n');
    }

    MacTableStats mac = bridge.macTableStats();
    gauge(
        out,
        "kvswitch_mac_table_entries",
        "MAC table entries, static ones included.",
        mac.entries());
    gauge(
        out, "kvswitch_mac_table_static_entries", "Static MAC table entries.", mac.staticEntries());
    header(out, "kvswitch_mac_table_events_total", "MAC table changes, by event.", "counter");
    event(out, "learned", mac.learned());
    event(out, "moved", mac.moved());
    event(out, "aged", mac.aged());
    event(out, "evicted_table_full", mac.evictedTableFull());
    event(out, "evicted_port_limit", mac.evictedPortLimit());
    event(out, "static_move_rejected", mac.staticMoveRejected());
    event(out, "learn_rejected", mac.learnRejected());
    bonds(out, bridge);
    mirrors(out, bridge);
    return out.toString();
  }

  /** Per mirror session in force, when there is one: copies delivered and dropped. */
  private static void mirrors(StringBuilder out, Bridge bridge) {
    List<MirrorRule> rules = bridge.core().mirrors();
    if (rules.isEmpty()) {
      return;
    }
    header(
        out,
        "kvswitch_mirror_packets_total",
        "Mirror copies of a session, by result: mirrored (the destination took it) or dropped.",
        "counter");
    for (MirrorRule rule : rules) {
      MirrorStats stats = rule.stats();
      mirrorSample(out, stats.session(), "mirrored", stats.mirrored());
      mirrorSample(out, stats.session(), "dropped", stats.dropped());
    }
  }

  private static void mirrorSample(StringBuilder out, String session, String result, long value) {
    out.append("kvswitch_mirror_packets_total{session=\"")
        .append(escape(session))
        .append("\",result=\"")
        .append(result)
        .append("\"} ")
        .append(value)
        .append('\n');
  }

  private static void bonds(StringBuilder out, Bridge bridge) {
    List<Bond> bonds = new ArrayList<>();
    for (Port port : bridge.ports()) {
      if (port instanceof Bond bond) {
        bonds.add(bond);
      }
    }
    if (bonds.isEmpty()) {
      return;
    }
    header(
        out,
        "kvswitch_bond_member_up",
        "Whether a bond member's link is up (1) or down (0).",
        "gauge");
    for (Bond bond : bonds) {
      for (Port member : bond.members()) {
        out.append("kvswitch_bond_member_up{bond=\"")
            .append(escape(bond.name()))
            .append("\",member=\"")
            .append(escape(member.name()))
            .append("\"} ")
            .append(member.isLinkUp() ? 1 : 0)
            .append('\n');
      }
    }
    header(
        out,
        "kvswitch_bond_failovers_total",
        "Times an active-backup bond moved to another member.",
        "counter");
    for (Bond bond : bonds) {
      if (bond instanceof ActiveBackupBond activeBackup) {
        out.append("kvswitch_bond_failovers_total{bond=\"")
            .append(escape(bond.name()))
            .append("\"} ")
            .append(activeBackup.failovers())
            .append('\n');
      }
    }
  }

  private static void portCounter(
      StringBuilder out,
      List<PortStats> ports,
      String name,
      String help,
      ToLongFunction<PortStats> value) {
    header(out, name, help, "counter");
    for (PortStats port : ports) {
      out.append(name)
          .append("{port=\"")
          .append(escape(port.name()))
          .append("\"} ")
          .append(value.applyAsLong(port))
          .append('\n');
    }
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    header(out, name, help, "gauge");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void event(StringBuilder out, String event, long value) {
    out.append("kvswitch_mac_table_events_total{event=\"")
        .append(event)
        .append("\"} ")
        .append(value)
        .append('\n');
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** Label values escape backslash, double quote and newline. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
