package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator and the agents report about a mirror session. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MirrorSessionStatus {

  private Long observedGeneration;

  private List<Condition> conditions = new ArrayList<>();

  /** Ports whose traffic the session currently mirrors. */
  private Integer matchedSources;

  /** Nodes on which the session is programmed. */
  private Integer activeNodes;

  /** Copies sent to the destination, summed over nodes. */
  private Long mirroredPackets;

  /** Copies that could not be sent (destination down, queue full), summed over nodes. */
  private Long droppedPackets;

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

  public Integer getMatchedSources() {
    return matchedSources;
  }

  public void setMatchedSources(Integer matchedSources) {
    this.matchedSources = matchedSources;
  }

  public Integer getActiveNodes() {
    return activeNodes;
  }

  public void setActiveNodes(Integer activeNodes) {
    this.activeNodes = activeNodes;
  }

  public Long getMirroredPackets() {
    return mirroredPackets;
  }

  public void setMirroredPackets(Long mirroredPackets) {
    this.mirroredPackets = mirroredPackets;
  }

  public Long getDroppedPackets() {
    return droppedPackets;
  }

  public void setDroppedPackets(Long droppedPackets) {
    this.droppedPackets = droppedPackets;
  }
}
