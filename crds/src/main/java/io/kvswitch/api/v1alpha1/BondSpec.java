package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;

/** How the interfaces of one uplink share the traffic. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class BondSpec {

  @Default("ActiveBackup")
  private BondMode mode = BondMode.ActiveBackup;

  public BondMode getMode() {
    return mode;
  }

  public void setMode(BondMode mode) {
    this.mode = mode;
  }
}
