package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy rule whose peers have been resolved: label selectors became the /32 of each matching
 * port.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodeRule {

  private String name;

  @Required private PolicyAction action;

  @Required private PolicyDirection direction;

  /** True when the rule names no peers and so matches every peer. */
  private Boolean anyPeer;

  /** Matching address blocks, ascending; empty with anyPeer false matches nothing. */
  private List<IpBlock> peers = new ArrayList<>();

  private List<PolicyPort> ports = new ArrayList<>();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public PolicyAction getAction() {
    return action;
  }

  public void setAction(PolicyAction action) {
    this.action = action;
  }

  public PolicyDirection getDirection() {
    return direction;
  }

  public void setDirection(PolicyDirection direction) {
    this.direction = direction;
  }

  public Boolean getAnyPeer() {
    return anyPeer;
  }

  public void setAnyPeer(Boolean anyPeer) {
    this.anyPeer = anyPeer;
  }

  public List<IpBlock> getPeers() {
    return peers;
  }

  public void setPeers(List<IpBlock> peers) {
    this.peers = peers;
  }

  public List<PolicyPort> getPorts() {
    return ports;
  }

  public void setPorts(List<PolicyPort> ports) {
    this.ports = ports;
  }
}
