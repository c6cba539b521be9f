package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Where a node sends mirrored copies: a port somewhere in the cluster, or an ERSPAN tunnel. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodeMirrorDestination {

  private MirrorPortTarget port;

  private ErspanDestination erspan;

  public MirrorPortTarget getPort() {
    return port;
  }

  public void setPort(MirrorPortTarget port) {
    this.port = port;
  }

  public ErspanDestination getErspan() {
    return erspan;
  }

  public void setErspan(ErspanDestination erspan) {
    this.erspan = erspan;
  }
}
