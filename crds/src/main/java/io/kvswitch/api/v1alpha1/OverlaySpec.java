package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The tunnel that carries a switch's VLANs between nodes. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class OverlaySpec {

  @Default("VXLAN")
  private OverlayType type = OverlayType.VXLAN;

  /** UDP destination port of the tunnel; 4789 is IANA's VXLAN port. */
  @Min(1)
  @Max(65535)
  @Default("4789")
  private Integer udpPort = 4789;

  /**
   * The VNI of VLAN {@code v} is {@code vniBase + v}. The maximum keeps the highest VLAN (4094)
   * within the 24-bit VNI space.
   */
  @Min(0)
  @Max(16773121)
  @Default("10000")
  private Integer vniBase = 10000;

  public OverlayType getType() {
    return type;
  }

  public void setType(OverlayType type) {
    this.type = type;
  }

  public Integer getUdpPort() {
    return udpPort;
  }

  public void setUdpPort(Integer udpPort) {
    this.udpPort = udpPort;
  }

  public Integer getVniBase() {
    return vniBase;
  }

  public void setVniBase(Integer vniBase) {
    this.vniBase = vniBase;
  }
}
