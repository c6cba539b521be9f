package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A node that carries a VLAN, and its tunnel endpoint. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TunnelPeer {

  @Required private String node;

  private String underlayIp;

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
