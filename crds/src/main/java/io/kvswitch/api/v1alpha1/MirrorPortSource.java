package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A local port whose traffic a session mirrors. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MirrorPortSource {

  /** The SwitchPort as namespace/name. */
  @Required private String port;

  private MirrorDirection direction;

  public String getPort() {
    return port;
  }

  public void setPort(String port) {
    this.port = port;
  }

  public MirrorDirection getDirection() {
    return direction;
  }

  public void setDirection(MirrorDirection direction) {
    this.direction = direction;
  }
}
