package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the node's agent realized. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodeStateStatus {

  /** The metadata.generation of the spec the agent last applied completely. */
  private Long realizedGeneration;

  /** Ready, with the reason the agent could not realize the spec when it is False. */
  private List<Condition> conditions = new ArrayList<>();

  private SwitchNodeCounters counters;

  public Long getRealizedGeneration() {
    return realizedGeneration;
  }

  public void setRealizedGeneration(Long realizedGeneration) {
    this.realizedGeneration = realizedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public SwitchNodeCounters getCounters() {
    return counters;
  }

  public void setCounters(SwitchNodeCounters counters) {
    this.counters = counters;
  }
}
