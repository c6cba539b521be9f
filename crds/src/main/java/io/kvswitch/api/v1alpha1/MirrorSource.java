package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** Workloads (by label, in the session's namespace) or a whole VlanNetwork to mirror. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "has(self.podSelector) != has(self.network)",
    message = "a source names exactly one of podSelector or network")
public class MirrorSource {

  private LabelSelector podSelector;

  /** A VlanNetwork in the session's namespace. */
  @Pattern(ApiPatterns.OBJECT_NAME)
  @Size(max = 253)
  private String network;

  @Default("Both")
  private MirrorDirection direction = MirrorDirection.Both;

  public LabelSelector getPodSelector() {
    return podSelector;
  }

  public void setPodSelector(LabelSelector podSelector) {
    this.podSelector = podSelector;
  }

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }

  public MirrorDirection getDirection() {
    return direction;
  }

  public void setDirection(MirrorDirection direction) {
    this.direction = direction;
  }
}
