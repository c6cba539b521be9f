package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A fixed address for one MAC. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class DhcpReservation {

  @Required
  @Pattern(ApiPatterns.MAC)
  @Size(max = 17)
  private String mac;

  @Required
  @Pattern(ApiPatterns.IPV4)
  @Size(max = 15)
  private String ip;

  /** Host name (option 12) handed to this client. */
  @Pattern(ApiPatterns.DNS_LABEL)
  @Size(max = 63)
  private String hostname;

  public String getMac() {
    return mac;
  }

  public void setMac(String mac) {
    this.mac = mac;
  }

  public String getIp() {
    return ip;
  }

  public void setIp(String ip) {
    this.ip = ip;
  }

  public String getHostname() {
    return hostname;
  }

  public void setHostname(String hostname) {
    this.hostname = hostname;
  }
}
