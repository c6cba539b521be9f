package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A pod in the session's namespace whose interface on {@code network} receives the copies. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PodDestination {

  @Required
  @Pattern(ApiPatterns.OBJECT_NAME)
  @Size(max = 253)
  private String name;

  /** The VlanNetwork through which the pod is attached. */
  @Required
  @Pattern(ApiPatterns.OBJECT_NAME)
  @Size(max = 253)
  private String network;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }
}
