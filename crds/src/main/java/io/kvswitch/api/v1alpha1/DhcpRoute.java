package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One classless static route a DHCP client installs. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class DhcpRoute {

  @Required
  @Pattern(ApiPatterns.IPV4_CIDR)
  @Size(max = 18)
  private String destination;

  @Required
  @Pattern(ApiPatterns.IPV4)
  @Size(max = 15)
  private String nextHop;

  public String getDestination() {
    return destination;
  }

  public void setDestination(String destination) {
    this.destination = destination;
  }

  public String getNextHop() {
    return nextHop;
  }

  public void setNextHop(String nextHop) {
    this.nextHop = nextHop;
  }
}
