package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** One VLAN of the switch as every node carries it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodeVlan {

  @Required private Integer vlanId;

  /** The overlay VNI (vniBase + vlanId). */
  private Integer vni;

  /** The VlanNetwork as namespace/name. */
  @Required private String network;

  /** The VlanNetwork generation this entry was compiled from. */
  private Long networkGeneration;

  private String subnet;

  private String gateway;

  private List<String> excludeIps = new ArrayList<>();

  /** DHCP service; mtu filled with the switch's MTU when the network leaves it out. */
  private DhcpSpec dhcp;

  private IsolationMode isolation;

  private PolicyAction defaultAction;

  /** Policy rules in order, with selectors resolved to addresses. */
  private List<SwitchNodeRule> rules = new ArrayList<>();

  /** Other nodes with ports in this VLAN, by node name; empty when this node has none. */
  private List<TunnelPeer> tunnelPeers = new ArrayList<>();

  public Integer getVlanId() {
    return vlanId;
  }

  public void setVlanId(Integer vlanId) {
    this.vlanId = vlanId;
  }

  public Integer getVni() {
    return vni;
  }

  public void setVni(Integer vni) {
    this.vni = vni;
  }

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }

  public Long getNetworkGeneration() {
    return networkGeneration;
  }

  public void setNetworkGeneration(Long networkGeneration) {
    this.networkGeneration = networkGeneration;
  }

  public String getSubnet() {
    return subnet;
  }

  public void setSubnet(String subnet) {
    this.subnet = subnet;
  }

  public String getGateway() {
    return gateway;
  }

  public void setGateway(String gateway) {
    this.gateway = gateway;
  }

  public List<String> getExcludeIps() {
    return excludeIps;
  }

  public void setExcludeIps(List<String> excludeIps) {
    this.excludeIps = excludeIps;
  }

  public DhcpSpec getDhcp() {
    return dhcp;
  }

  public void setDhcp(DhcpSpec dhcp) {
    this.dhcp = dhcp;
  }

  public IsolationMode getIsolation() {
    return isolation;
  }

  public void setIsolation(IsolationMode isolation) {
    this.isolation = isolation;
  }

  public PolicyAction getDefaultAction() {
    return defaultAction;
  }

  public void setDefaultAction(PolicyAction defaultAction) {
    this.defaultAction = defaultAction;
  }

  public List<SwitchNodeRule> getRules() {
    return rules;
  }

  public void setRules(List<SwitchNodeRule> rules) {
    this.rules = rules;
  }

  public List<TunnelPeer> getTunnelPeers() {
    return tunnelPeers;
  }

  public void setTunnelPeers(List<TunnelPeer> tunnelPeers) {
    this.tunnelPeers = tunnelPeers;
  }
}
