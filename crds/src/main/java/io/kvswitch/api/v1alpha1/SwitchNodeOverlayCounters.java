package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/** The VXLAN overlay's counters on one node, as the agent last reported them. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodeOverlayCounters {

  /** Peer nodes this node has a tunnel to now. */
  private Integer peers;

  /** Datagrams turned into frames. */
  private Long rxDecapsulated;

  /**
   * Datagrams dropped on receive, by reason: truncated, bad_flags, unknown_peer, unknown_vni,
   * inner_vlan_tag, oversize, ring_full, read_abandoned.
   */
  private Map<String, Long> rxDrops = new TreeMap<>();

  /** Datagrams sent to peers. */
  private Long txDatagrams;

  /** Encapsulated frames the kernel did not take (socket buffer full, no route). */
  private Long txDropped;

  public Integer getPeers() {
    return peers;
  }

  public void setPeers(Integer peers) {
    this.peers = peers;
  }

  public Long getRxDecapsulated() {
    return rxDecapsulated;
  }

  public void setRxDecapsulated(Long rxDecapsulated) {
    this.rxDecapsulated = rxDecapsulated;
  }

  public Map<String, Long> getRxDrops() {
    return rxDrops;
  }

  public void setRxDrops(Map<String, Long> rxDrops) {
    this.rxDrops = rxDrops;
  }

  public Long getTxDatagrams() {
    return txDatagrams;
  }

  public void setTxDatagrams(Long txDatagrams) {
    this.txDatagrams = txDatagrams;
  }

  public Long getTxDropped() {
    return txDropped;
  }

  public void setTxDropped(Long txDropped) {
    this.txDropped = txDropped;
  }
}
