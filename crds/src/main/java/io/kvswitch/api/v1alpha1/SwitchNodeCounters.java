package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** Counter totals on one node, as the agent last reported them. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodeCounters {

  private Integer ports;

  private Integer macEntries;

  private Long rxPackets;

  private Long txPackets;

  private Long droppedPackets;

  /** The VXLAN overlay between this node and the others; absent until the node has had a peer. */
  private SwitchNodeOverlayCounters overlay;

  /** The built-in DHCP server; absent until the node has served DHCP. */
  private SwitchNodeDhcpCounters dhcp;

  /** Per mirror session, by session. */
  private List<MirrorCounters> mirrors = new ArrayList<>();

  public Integer getPorts() {
    return ports;
  }

  public void setPorts(Integer ports) {
    this.ports = ports;
  }

  public Integer getMacEntries() {
    return macEntries;
  }

  public void setMacEntries(Integer macEntries) {
    this.macEntries = macEntries;
  }

  public Long getRxPackets() {
    return rxPackets;
  }

  public void setRxPackets(Long rxPackets) {
    this.rxPackets = rxPackets;
  }

  public Long getTxPackets() {
    return txPackets;
  }

  public void setTxPackets(Long txPackets) {
    this.txPackets = txPackets;
  }

  public Long getDroppedPackets() {
    return droppedPackets;
  }

  public void setDroppedPackets(Long droppedPackets) {
    this.droppedPackets = droppedPackets;
  }

  public SwitchNodeOverlayCounters getOverlay() {
    return overlay;
  }

  public void setOverlay(SwitchNodeOverlayCounters overlay) {
    this.overlay = overlay;
  }

  public SwitchNodeDhcpCounters getDhcp() {
    return dhcp;
  }

  public void setDhcp(SwitchNodeDhcpCounters dhcp) {
    this.dhcp = dhcp;
  }

  public List<MirrorCounters> getMirrors() {
    return mirrors;
  }

  public void setMirrors(List<MirrorCounters> mirrors) {
    this.mirrors = mirrors;
  }
}
