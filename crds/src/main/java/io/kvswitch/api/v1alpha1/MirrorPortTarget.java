package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A destination port and how to reach it. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MirrorPortTarget {

  /** The SwitchPort as namespace/name. */
  @Required private String port;

  private String node;

  private String underlayIp;

  private Integer vlanId;

  private String mac;

  public String getPort() {
    return port;
  }

  public void setPort(String port) {
    this.port = port;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getUnderlayIp() {
    return underlayIp;
  }

  public void setUnderlayIp(String underlayIp) {
    this.underlayIp = underlayIp;
  }

  public Integer getVlanId() {
    return vlanId;
  }

  public void setVlanId(Integer vlanId) {
    this.vlanId = vlanId;
  }

  public String getMac() {
    return mac;
  }

  public void setMac(String mac) {
    this.mac = mac;
  }
}
