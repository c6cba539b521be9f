package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/**
 * The compiled desired state of one switch on one node: everything that node's agent needs, and
 * nothing it does not. The operator writes it; lists are sorted so that unchanged input gives an
 * identical object.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodeStateSpec {

  /** The VirtualSwitch this state belongs to. */
  @Required
  @JsonProperty("switch")
  private String switchName;

  /** The node whose agent realizes this state. */
  @Required
  @JsonProperty("node")
  private String nodeName;

  /** The VirtualSwitch generation this state was compiled from. */
  private Long switchGeneration;

  /** This node's tunnel endpoint address; absent when the node reports no InternalIP. */
  private String underlayIp;

  /** MTU of the switch's ports, in bytes. */
  private Integer mtu;

  private OverlaySpec overlay;

  private List<UplinkSpec> uplinks = new ArrayList<>();

  private MacLearningSpec macLearning;

  private StormControlSpec stormControl;

  /** Local ports, by namespace/name of their SwitchPort. */
  private List<SwitchNodePort> ports = new ArrayList<>();

  /** The VLANs this node has ports in, by id. */
  private List<SwitchNodeVlan> vlans = new ArrayList<>();

  /** Active ports on other nodes in the VLANs this node has ports in, by (VLAN, MAC). */
  private List<RemoteMac> remoteMacs = new ArrayList<>();

  /** Mirror sessions with a source port on this node, by session. */
  private List<SwitchNodeMirror> mirrors = new ArrayList<>();

  public String getSwitchName() {
    return switchName;
  }

  public void setSwitchName(String switchName) {
    this.switchName = switchName;
  }

  public String getNodeName() {
    return nodeName;
  }

  public void setNodeName(String nodeName) {
    this.nodeName = nodeName;
  }

  public Long getSwitchGeneration() {
    return switchGeneration;
  }

  public void setSwitchGeneration(Long switchGeneration) {
    this.switchGeneration = switchGeneration;
  }

  public String getUnderlayIp() {
    return underlayIp;
  }

  public void setUnderlayIp(String underlayIp) {
    this.underlayIp = underlayIp;
  }

  public Integer getMtu() {
    return mtu;
  }

  public void setMtu(Integer mtu) {
    this.mtu = mtu;
  }

  public OverlaySpec getOverlay() {
    return overlay;
  }

  public void setOverlay(OverlaySpec overlay) {
    this.overlay = overlay;
  }

  public List<UplinkSpec> getUplinks() {
    return uplinks;
  }

  public void setUplinks(List<UplinkSpec> uplinks) {
    this.uplinks = uplinks;
  }

  public MacLearningSpec getMacLearning() {
    return macLearning;
  }

  public void setMacLearning(MacLearningSpec macLearning) {
    this.macLearning = macLearning;
  }

  public StormControlSpec getStormControl() {
    return stormControl;
  }

  public void setStormControl(StormControlSpec stormControl) {
    this.stormControl = stormControl;
  }

  public List<SwitchNodePort> getPorts() {
    return ports;
  }

  public void setPorts(List<SwitchNodePort> ports) {
    this.ports = ports;
  }

  public List<SwitchNodeVlan> getVlans() {
    return vlans;
  }

  public void setVlans(List<SwitchNodeVlan> vlans) {
    this.vlans = vlans;
  }

  public List<RemoteMac> getRemoteMacs() {
    return remoteMacs;
  }

  public void setRemoteMacs(List<RemoteMac> remoteMacs) {
    this.remoteMacs = remoteMacs;
  }

  public List<SwitchNodeMirror> getMirrors() {
    return mirrors;
  }

  public void setMirrors(List<SwitchNodeMirror> mirrors) {
    this.mirrors = mirrors;
  }
}
