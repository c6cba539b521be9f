package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** A protocol and, for TCP, UDP and SCTP, a port or inclusive port range. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "!has(self.endPort) || (has(self.port) && self.endPort >= self.port)",
    message = "endPort needs port and must not be below it",
    fieldPath = ".endPort")
@ValidationRule(
    value = "self.protocol != 'ICMP' || (!has(self.port) && !has(self.endPort))",
    message = "ICMP has no ports",
    fieldPath = ".port")
public class PolicyPort {

  @Default("TCP")
  private TrafficProtocol protocol = TrafficProtocol.TCP;

  @Min(1)
  @Max(65535)
  private Integer port;

  @Min(1)
  @Max(65535)
  private Integer endPort;

  public TrafficProtocol getProtocol() {
    return protocol;
  }

  public void setProtocol(TrafficProtocol protocol) {
    this.protocol = protocol;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getEndPort() {
    return endPort;
  }

  public void setEndPort(Integer endPort) {
    this.endPort = endPort;
  }
}
