package io.kvswitch.dataplane.agent;

import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreCounters;
import io.kvswitch.dataplane.metrics.PrometheusText;
import io.kvswitch.dataplane.tunnel.VxlanRxDrop;
import io.kvswitch.dataplane.tunnel.VxlanTxDrop;
import java.util.Map;

/**
 * The agent's {@code GET /metrics}: the switch's port and MAC table metrics as the standalone
 * switch renders them ({@link PrometheusText}), then the overlay's and the DHCP server's totals
 * from the engine's counters (its lease stores' included), the same numbers the agent reports in
 * its node state's status.
 */
public final class AgentMetrics {

  private AgentMetrics() {}

  public static String render(Bridge bridge, SwitchEngine engine) {
    StringBuilder out = new StringBuilder(PrometheusText.render(bridge));
    appendCounters(out, engine.counters());
    return out.toString();
  }

  /** The overlay's and the DHCP server's metrics; every reason and type, zeros included. */
  static void appendCounters(StringBuilder out, EngineCounters counters) {
    OverlayCounters overlay = counters.overlay();
    sample(out, "kvswitch_vxlan_peers", "Peer nodes with a tunnel now.", "gauge", overlay.peers());
    sample(
        out,
        "kvswitch_vxlan_rx_decapsulated_total",
        "VXLAN datagrams turned into frames.",
        "counter",
        overlay.rxDecapsulated());
    header(out, "kvswitch_vxlan_rx_drops_total", "VXLAN datagrams dropped on receive.", "counter");
    for (VxlanRxDrop reason : VxlanRxDrop.values()) {
      labelled(
          out,
          "kvswitch_vxlan_rx_drops_total",
          "reason",
          reason.label(),
          overlay.rxDrops().get(reason));
    }
    sample(
        out,
        "kvswitch_vxlan_tx_datagrams_total",
        "VXLAN datagrams sent to peers.",
        "counter",
        overlay.txDatagrams());
    sample(
        out,
        "kvswitch_vxlan_tx_dropped_total",
        "Encapsulated frames the kernel did not take.",
        "counter",
        overlay.txDropped());
    sample(
        out,
        "kvswitch_vxlan_tx_segmented_frames_total",
        "TCP GSO frames from local workloads cut into segments for the tunnel.",
        "counter",
        overlay.txSegmentedFrames());
    sample(
        out,
        "kvswitch_vxlan_tx_gso_fallbacks_total",
        "Times the kernel refused a UDP GSO send to a peer, which then gets one datagram per"
            + " system call message.",
        "counter",
        overlay.txGsoFallbacks());
    sample(
        out,
        "kvswitch_vxlan_rx_coalesced_frames_total",
        "GSO frames joined from TCP segments received through the tunnel.",
        "counter",
        overlay.rxCoalescedFrames());
    header(
        out,
        "kvswitch_vxlan_tx_offload_drops_total",
        "Frames with an offload header the tunnel could not make complete, by reason.",
        "counter");
    for (VxlanTxDrop reason : VxlanTxDrop.values()) {
      labelled(
          out,
          "kvswitch_vxlan_tx_offload_drops_total",
          "reason",
          reason.label(),
          overlay.txOffloadDrops().get(reason));
    }

    DhcpCounters dhcp = counters.dhcp();
    sample(
        out,
        "kvswitch_dhcp_served_vlans",
        "VLANs this node serves DHCP on.",
        "gauge",
        dhcp.servedVlans());
    sample(
        out,
        "kvswitch_dhcp_requests_total",
        "DHCP frames from local clients handed to a server.",
        "counter",
        dhcp.requests());
    sample(
        out,
        "kvswitch_dhcp_replies_total",
        "DHCP reply frames sent towards clients.",
        "counter",
        dhcp.replies());
    byLabel(
        out,
        "kvswitch_dhcp_received_total",
        "DHCP messages the servers received, by type.",
        "type",
        dhcp.received());
    byLabel(
        out,
        "kvswitch_dhcp_sent_total",
        "DHCP messages the servers sent, by type.",
        "type",
        dhcp.sent());
    byLabel(
        out,
        "kvswitch_dhcp_drops_total",
        "DHCP requests without an answer, by reason.",
        "reason",
        dhcp.drops());
    header(
        out,
        "kvswitch_dhcp_pool_exhausted",
        "1 for a network whose pool had no address for this node's last new client.",
        "gauge");
    for (String network : dhcp.exhaustedNetworks()) {
      labelled(out, "kvswitch_dhcp_pool_exhausted", "network", network, 1);
    }
    appendLeaseStore(out, dhcp.leaseStore());
  }

  /** The lease stores' requests and trouble in the API server, and their projection's. */
  private static void appendLeaseStore(StringBuilder out, LeaseStoreCounters store) {
    sample(
        out,
        "kvswitch_dhcp_lease_store_requests_total",
        "Requests the lease stores sent to the API server to write lease records.",
        "counter",
        store.apiRequests());
    sample(
        out,
        "kvswitch_dhcp_lease_store_block_conflicts_total",
        "Lease block writes refused because the block had changed since it was read.",
        "counter",
        store.blockConflicts());
    sample(
        out,
        "kvswitch_dhcp_lease_store_foreign_blocks_total",
        "Lease blocks seen that belong to an earlier network of the same name.",
        "counter",
        store.foreignBlocks());
    sample(
        out,
        "kvswitch_dhcp_lease_store_malformed_records_total",
        "Lease blocks or records seen that could not be read.",
        "counter",
        store.malformedRecords());
    sample(
        out,
        "kvswitch_dhcp_lease_store_imported_blocks_total",
        "Lease blocks created from the DhcpLease objects of agents that kept one object per lease.",
        "counter",
        store.importedBlocks());
    sample(
        out,
        "kvswitch_dhcp_lease_projection_writes_total",
        "DhcpLease objects the projection created, updated or deleted.",
        "counter",
        store.projectionWrites());
    sample(
        out,
        "kvswitch_dhcp_lease_projection_conflicts_total",
        "DhcpLease writes refused because the object had changed or gone since it was read.",
        "counter",
        store.projectionConflicts());
    sample(
        out,
        "kvswitch_dhcp_lease_projection_failures_total",
        "DhcpLease writes without an answer, and projection passes that failed otherwise.",
        "counter",
        store.projectionFailures());
    sample(
        out,
        "kvswitch_dhcp_lease_projection_pending",
        "Addresses whose DhcpLease object differs from their lease record after the last pass.",
        "gauge",
        store.projectionPending());
  }

  private static void byLabel(
      StringBuilder out, String name, String help, String label, Map<String, Long> values) {
    header(out, name, help, "counter");
    values.forEach((value, count) -> labelled(out, name, label, value, count));
  }

  private static void sample(StringBuilder out, String name, String help, String type, long value) {
    header(out, name, help, type);
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void labelled(
      StringBuilder out, String name, String label, String value, long count) {
    out.append(name)
        .append('{')
        .append(label)
        .append("=\"")
        .append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
        .append("\"} ")
        .append(count)
        .append('\n');
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }
}
