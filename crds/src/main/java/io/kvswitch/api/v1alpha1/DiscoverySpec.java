package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;

/** Link-layer neighbour discovery on the uplinks. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class DiscoverySpec {

  @Default("None")
  private LldpMode lldp = LldpMode.None;

  public LldpMode getLldp() {
    return lldp;
  }

  public void setLldp(LldpMode lldp) {
    this.lldp = lldp;
  }
}
