package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Required;

/** One local port as the agent programs it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodePort {

  /** The SwitchPort as namespace/name. */
  @Required private String name;

  private WorkloadKind workloadKind;

  private String workloadName;

  /** Interface name inside the workload. */
  @JsonProperty("interface")
  private String interfaceName;

  private String mac;

  private String ip;

  /** The access VLAN, taken from the network (authoritative over what the port recorded). */
  @Required private Integer vlanId;

  /** The VlanNetwork as namespace/name; its VLAN entry carries the policy that applies. */
  private String network;

  private PortState state;

  private PortSecuritySpec portSecurity;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

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

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }

  public PortState getState() {
    return state;
  }

  public void setState(PortState state) {
    this.state = state;
  }

  public PortSecuritySpec getPortSecurity() {
    return portSecurity;
  }

  public void setPortSecurity(PortSecuritySpec portSecurity) {
    this.portSecurity = portSecurity;
  }
}
