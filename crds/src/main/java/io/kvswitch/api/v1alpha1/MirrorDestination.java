package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;

/** Where mirrored frames go: exactly one of a pod's interface or an ERSPAN tunnel. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "has(self.pod) != has(self.erspan)",
    message = "destination must name exactly one of pod or erspan")
public class MirrorDestination {

  private PodDestination pod;

  private ErspanDestination erspan;

  public PodDestination getPod() {
    return pod;
  }

  public void setPod(PodDestination pod) {
    this.pod = pod;
  }

  public ErspanDestination getErspan() {
    return erspan;
  }

  public void setErspan(ErspanDestination erspan) {
    this.erspan = erspan;
  }
}
