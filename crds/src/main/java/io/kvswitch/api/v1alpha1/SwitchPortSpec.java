package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * One attached interface: which workload, where, on which network, with which addresses. Written by
 * the agent on the workload's node.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchPortSpec {

  @Required private WorkloadKind workloadKind;

  @Required private String workloadName;

  @Required private String node;

  @JsonProperty("switch")
  private String switchName;

  /** The VlanNetwork, by name. */
  @Required private String network;

  /** The VlanNetwork's namespace; absent means the SwitchPort's own. */
  private String networkNamespace;

  /** Interface name inside the workload. */
  @JsonProperty("interface")
  private String interfaceName;

  @Pattern(ApiPatterns.MAC)
  private String mac;

  @Pattern(ApiPatterns.IPV4)
  private String ip;

  private Integer vlanId;

  /** What the port is doing now. */
  @Default("Pending")
  private PortState state = PortState.Pending;

  public WorkloadKind getWorkloadKind() {
    return workloadKind;
  }

  public void setWorkloadKind(WorkloadKind workloadKind) {
    this.workloadKind = workloadKind;
  }

  public String getWorkloadName() {
    return workloadName;
  }

  public void setWorkloadName(String workloadName) {
    this.workloadName = workloadName;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getSwitchName() {
    return switchName;
  }

  public void setSwitchName(String switchName) {
    this.switchName = switchName;
  }

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }

  public String getNetworkNamespace() {
    return networkNamespace;
  }

  public void setNetworkNamespace(String networkNamespace) {
    this.networkNamespace = networkNamespace;
  }

  public String getInterfaceName() {
    return interfaceName;
  }

  public void setInterfaceName(String interfaceName) {
    this.interfaceName = interfaceName;
  }

  public String getMac() {
    return mac;
  }

  public void setMac(String mac) {
    this.mac = mac;
  }

  public String getIp() {
    return ip;
  }

  public void setIp(String ip) {
    this.ip = ip;
  }

  public Integer getVlanId() {
    return vlanId;
  }

  public void setVlanId(Integer vlanId) {
    this.vlanId = vlanId;
  }

  public PortState getState() {
    return state;
  }

  public void setState(PortState state) {
    this.state = state;
  }
}
