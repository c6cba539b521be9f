package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * One allow or deny rule. Empty {@code peers} matches every peer; empty {@code ports} matches every
 * protocol and port. The {@code name} appears in drop counters, so a network engineer can see which
 * rule dropped a packet.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PolicyRule {

  @Pattern(ApiPatterns.DNS_LABEL)
  @Size(max = 63)
  private String name;

  @Required private PolicyAction action;

  @Required private PolicyDirection direction;

  @Size(max = 32)
  private List<PolicyPeer> peers = new ArrayList<>();

  @Size(max = 32)
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

  public List<PolicyPeer> getPeers() {
    return peers;
  }

  public void setPeers(List<PolicyPeer> peers) {
    this.peers = peers;
  }

  public List<PolicyPort> getPorts() {
    return ports;
  }

  public void setPorts(List<PolicyPort> ports) {
    this.ports = ports;
  }
}
