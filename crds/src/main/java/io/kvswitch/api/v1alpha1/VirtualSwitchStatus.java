package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator and the agents report about a switch. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class VirtualSwitchStatus {

  /** The generation this status describes. */
  private Long observedGeneration;

  /** {@code Ready} plus domain conditions; see {@link ConditionTypes}. */
  private List<Condition> conditions = new ArrayList<>();

  /** Nodes the node selector matches. */
  private Integer nodesDesired;

  /** Nodes whose agent realized the current generation. */
  private Integer nodesReady;

  /** Ports attached across all nodes. */
  private Integer ports;

  /** VLAN ids of the networks on this switch, ascending. */
  private List<Integer> vlans = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getNodesDesired() {
    return nodesDesired;
  }

  public void setNodesDesired(Integer nodesDesired) {
    this.nodesDesired = nodesDesired;
  }

  public Integer getNodesReady() {
    return nodesReady;
  }

  public void setNodesReady(Integer nodesReady) {
    this.nodesReady = nodesReady;
  }

  public Integer getPorts() {
    return ports;
  }

  public void setPorts(Integer ports) {
    this.ports = ports;
  }

  public List<Integer> getVlans() {
    return vlans;
  }

  public void setVlans(List<Integer> vlans) {
    this.vlans = vlans;
  }
}
