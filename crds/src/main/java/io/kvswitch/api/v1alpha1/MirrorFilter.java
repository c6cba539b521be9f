package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Narrows a session to some traffic; every field set must match. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value =
        "!has(self.ports) || size(self.ports) == 0"
            + " || (has(self.protocol) && self.protocol != 'ICMP')",
    message = "filter ports need protocol TCP, UDP or SCTP",
    fieldPath = ".ports")
public class MirrorFilter {

  private TrafficProtocol protocol;

  /** Frames whose source or destination address lies in this block. */
  @Pattern(ApiPatterns.IPV4_CIDR)
  @Size(max = 18)
  private String cidr;

  /** Source or destination ports. */
  @Size(max = 32)
  private List<@Min(1) @Max(65535) Integer> ports = new ArrayList<>();

  public TrafficProtocol getProtocol() {
    return protocol;
  }

  public void setProtocol(TrafficProtocol protocol) {
    this.protocol = protocol;
  }

  public String getCidr() {
    return cidr;
  }

  public void setCidr(String cidr) {
    this.cidr = cidr;
  }

  public List<Integer> getPorts() {
    return ports;
  }

  public void setPorts(List<Integer> ports) {
    this.ports = ports;
  }
}
