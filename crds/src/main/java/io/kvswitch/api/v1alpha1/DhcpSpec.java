package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The DHCP service of a VLAN, answered by the switch on every node that carries the VLAN. Without
 * {@code rangeStart} and {@code rangeEnd} the range is the whole subnet less the network, broadcast
 * and gateway addresses.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "has(self.rangeStart) == has(self.rangeEnd)",
    message = "set both rangeStart and rangeEnd, or neither")
@ValidationRule(
    value =
        "!has(self.reservations) || self.reservations.all(r,"
            + " self.reservations.exists_one(s, s.mac.lowerAscii() == r.mac.lowerAscii()))",
    message = "a MAC may have one reservation only",
    fieldPath = ".reservations")
@ValidationRule(
    value =
        "!has(self.reservations)"
            + " || self.reservations.all(r, self.reservations.exists_one(s, s.ip == r.ip))",
    message = "an address may be reserved for one MAC only",
    fieldPath = ".reservations")
public class DhcpSpec {

  @Default("true")
  private Boolean enabled = Boolean.TRUE;

  @Pattern(ApiPatterns.IPV4)
  @Size(max = 15)
  private String rangeStart;

  @Pattern(ApiPatterns.IPV4)
  @Size(max = 15)
  private String rangeEnd;

  @Min(60)
  @Max(31536000)
  @Default("3600")
  private Integer leaseSeconds = 3600;

  @Size(max = 8)
  private List<@Pattern(ApiPatterns.IPV4) @Size(max = 15) String> dnsServers = new ArrayList<>();

  @Pattern(ApiPatterns.DOMAIN)
  @Size(max = 253)
  private String domain;

  /** Classless static routes (option 121) handed to clients. */
  @Size(max = 32)
  private List<DhcpRoute> routes = new ArrayList<>();

  /** Interface MTU (option 26) handed to clients; absent means the switch's MTU. */
  @Min(576)
  @Max(9216)
  private Integer mtu;

  /** Fixed addresses for known MACs, such as VMs that must keep theirs. */
  @Size(max = 512)
  private List<DhcpReservation> reservations = new ArrayList<>();

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public String getRangeStart() {
    return rangeStart;
  }

  public void setRangeStart(String rangeStart) {
    this.rangeStart = rangeStart;
  }

  public String getRangeEnd() {
    return rangeEnd;
  }

  public void setRangeEnd(String rangeEnd) {
    this.rangeEnd = rangeEnd;
  }

  public Integer getLeaseSeconds() {
    return leaseSeconds;
  }

  public void setLeaseSeconds(Integer leaseSeconds) {
    this.leaseSeconds = leaseSeconds;
  }

  public List<String> getDnsServers() {
    return dnsServers;
  }

  public void setDnsServers(List<String> dnsServers) {
    this.dnsServers = dnsServers;
  }

  public String getDomain() {
    return domain;
  }

  public void setDomain(String domain) {
    this.domain = domain;
  }

  public List<DhcpRoute> getRoutes() {
    return routes;
  }

  public void setRoutes(List<DhcpRoute> routes) {
    this.routes = routes;
  }

  public Integer getMtu() {
    return mtu;
  }

  public void setMtu(Integer mtu) {
    this.mtu = mtu;
  }

  public List<DhcpReservation> getReservations() {
    return reservations;
  }

  public void setReservations(List<DhcpReservation> reservations) {
    this.reservations = reservations;
  }
}
