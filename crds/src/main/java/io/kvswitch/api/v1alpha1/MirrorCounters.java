package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** One mirror session's counters on one node. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MirrorCounters {

  @Required private String session;

  private Long mirroredPackets;

  private Long droppedPackets;

  public String getSession() {
    return session;
  }

  public void setSession(String session) {
    this.session = session;
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
