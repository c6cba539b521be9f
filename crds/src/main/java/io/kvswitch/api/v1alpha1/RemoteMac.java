package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A MAC on another node: frames to it go through the tunnel to that node. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class RemoteMac {

  @Required private Integer vlanId;

  @Required private String mac;

  @Required private String node;

  private String underlayIp;

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
}
