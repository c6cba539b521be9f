package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Anti-spoofing on the VLAN's access ports. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PortSecuritySpec {

  /** Drop frames whose source MAC is not the port's own. */
  @Default("true")
  private Boolean macSpoofCheck = Boolean.TRUE;

  /** Drop IPv4 and ARP whose source address is not the port's DHCP lease. */
  @Default("false")
  private Boolean ipSpoofCheck = Boolean.FALSE;

  /**
   * Source MACs one port may use when {@code macSpoofCheck} is off, such as a VM running nested
   * containers; absent means the switch's per-port MAC table limit.
   */
  @Min(1)
  @Max(4096)
  private Integer maxMacsPerPort;

  public Boolean getMacSpoofCheck() {
    return macSpoofCheck;
  }

  public void setMacSpoofCheck(Boolean macSpoofCheck) {
    this.macSpoofCheck = macSpoofCheck;
  }

  public Boolean getIpSpoofCheck() {
    return ipSpoofCheck;
  }

  public void setIpSpoofCheck(Boolean ipSpoofCheck) {
    this.ipSpoofCheck = ipSpoofCheck;
  }

  public Integer getMaxMacsPerPort() {
    return maxMacsPerPort;
  }

  public void setMaxMacsPerPort(Integer maxMacsPerPort) {
    this.maxMacsPerPort = maxMacsPerPort;
  }
}
