package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator and the agents report about a VLAN network. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class VlanNetworkStatus {

  private Long observedGeneration;

  /** Ready, VlanConflict, SwitchNotFound, PoolExhausted; see {@link ConditionTypes}. */
  private List<Condition> conditions = new ArrayList<>();

  /** Workload interfaces attached to this VLAN across all nodes. */
  private Integer attachedPorts;

  private LeaseCounts leases;

  /** Nodes that realized the current generation of this network. */
  private Integer nodesRealized;

  /** Nodes that should carry this network. */
  private Integer nodesDesired;

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

  public Integer getAttachedPorts() {
    return attachedPorts;
  }

  public void setAttachedPorts(Integer attachedPorts) {
    this.attachedPorts = attachedPorts;
  }

  public LeaseCounts getLeases() {
    return leases;
  }

  public void setLeases(LeaseCounts leases) {
    this.leases = leases;
  }

  public Integer getNodesRealized() {
    return nodesRealized;
  }

  public void setNodesRealized(Integer nodesRealized) {
    this.nodesRealized = nodesRealized;
  }

  public Integer getNodesDesired() {
    return nodesDesired;
  }

  public void setNodesDesired(Integer nodesDesired) {
    this.nodesDesired = nodesDesired;
  }
}
