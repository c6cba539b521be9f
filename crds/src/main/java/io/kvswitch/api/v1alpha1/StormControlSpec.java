package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;

/**
 * Per-port rate limits, in packets per second, on the traffic a switch floods. Absent means no
 * limit.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class StormControlSpec {

  @Min(1)
  private Long broadcastPps;

  @Min(1)
  private Long multicastPps;

  @Min(1)
  private Long unknownUnicastPps;

  public Long getBroadcastPps() {
    return broadcastPps;
  }

  public void setBroadcastPps(Long broadcastPps) {
    this.broadcastPps = broadcastPps;
  }

  public Long getMulticastPps() {
    return multicastPps;
  }

  public void setMulticastPps(Long multicastPps) {
    this.multicastPps = multicastPps;
  }

  public Long getUnknownUnicastPps() {
    return unknownUnicastPps;
  }

  public void setUnknownUnicastPps(Long unknownUnicastPps) {
    this.unknownUnicastPps = unknownUnicastPps;
  }
}
