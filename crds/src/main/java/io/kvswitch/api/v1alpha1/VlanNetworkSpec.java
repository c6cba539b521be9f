package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What a VLAN network should be.
 *
 * <p>The cross-field rules below are CEL that the API server evaluates. Each guards against a
 * malformed address first ({@code !isCIDR(..) ||}) so that a typo is reported once, by the field's
 * own pattern, and not again as a rule that could not be evaluated. Kubernetes' CEL IP library has
 * no ordering, so the DHCP range checks turn addresses into integers with {@code split}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "!isCIDR(self.subnet) || cidr(self.subnet) == cidr(self.subnet).masked()",
    message = "subnet must be a network address (host bits zero), such as 10.0.0.0/24",
    fieldPath = ".subnet")
@ValidationRule(
    value =
        "!has(self.gateway) || !isCIDR(self.subnet) || !isIP(self.gateway)"
            + " || cidr(self.subnet).containsIP(self.gateway)",
    message = "gateway must lie inside subnet",
    fieldPath = ".gateway")
@ValidationRule(
    value =
        "!has(self.excludeIps) || !isCIDR(self.subnet)"
            + " || self.excludeIps.all(e, !isIP(e) || cidr(self.subnet).containsIP(e))",
    message = "every excludeIps entry must lie inside subnet",
    fieldPath = ".excludeIps")
@ValidationRule(
    value =
        "!has(self.dhcp) || !has(self.dhcp.rangeStart) || !isCIDR(self.subnet)"
            + " || !isIP(self.dhcp.rangeStart) || cidr(self.subnet).containsIP(self.dhcp.rangeStart)",
    message = "dhcp.rangeStart must lie inside subnet",
    fieldPath = ".dhcp.rangeStart")
@ValidationRule(
    value =
        "!has(self.dhcp) || !has(self.dhcp.rangeEnd) || !isCIDR(self.subnet)"
            + " || !isIP(self.dhcp.rangeEnd) || cidr(self.subnet).containsIP(self.dhcp.rangeEnd)",
    message = "dhcp.rangeEnd must lie inside subnet",
    fieldPath = ".dhcp.rangeEnd")
@ValidationRule(
    value =
        "!has(self.dhcp) || !has(self.dhcp.rangeStart) || !has(self.dhcp.rangeEnd)"
            + " || !"
            + VlanNetworkSpec.START_IS_V4
            + " || !"
            + VlanNetworkSpec.END_IS_V4
            + " || "
            + VlanNetworkSpec.START_INT
            + " <= "
            + VlanNetworkSpec.END_INT,
    message = "dhcp.rangeStart must not come after dhcp.rangeEnd",
    fieldPath = ".dhcp.rangeEnd")
@ValidationRule(
    value =
        "!has(self.dhcp) || !has(self.gateway) || !has(self.dhcp.rangeStart)"
            + " || !has(self.dhcp.rangeEnd) || !"
            + VlanNetworkSpec.START_IS_V4
            + " || !"
            + VlanNetworkSpec.END_IS_V4
            + " || !"
            + VlanNetworkSpec.GATEWAY_IS_V4
            + " || "
            + VlanNetworkSpec.GATEWAY_INT
            + " < "
            + VlanNetworkSpec.START_INT
            + " || "
            + VlanNetworkSpec.GATEWAY_INT
            + " > "
            + VlanNetworkSpec.END_INT,
    message = "the DHCP range must not include the gateway",
    fieldPath = ".dhcp")
@ValidationRule(
    value =
        "!has(self.dhcp) || !has(self.dhcp.reservations) || !isCIDR(self.subnet)"
            + " || self.dhcp.reservations.all(r, !isIP(r.ip) || cidr(self.subnet).containsIP(r.ip))",
    message = "every dhcp.reservations ip must lie inside subnet",
    fieldPath = ".dhcp.reservations")
@ValidationRule(
    value =
        "!has(self.dhcp) || !has(self.dhcp.reservations) || !has(self.gateway)"
            + " || self.dhcp.reservations.all(r, r.ip != self.gateway)",
    message = "a dhcp reservation cannot take the gateway address",
    fieldPath = ".dhcp.reservations")
@ValidationRule(
    value =
        "!has(self.dhcp) || !has(self.dhcp.routes) || !isCIDR(self.subnet)"
            + " || self.dhcp.routes.all(r, !isIP(r.nextHop) || cidr(self.subnet).containsIP(r.nextHop))",
    message = "every dhcp.routes nextHop must lie inside subnet, where clients can reach it",
    fieldPath = ".dhcp.routes")
@ValidationRule(
    value = "!has(self.isolation) || self.isolation != 'Isolated' || has(self.gateway)",
    message = "isolation Isolated needs a gateway: it is the only address isolated ports reach",
    fieldPath = ".gateway")
@ValidationRule(
    value = "self.switch == oldSelf.switch",
    message = "switch cannot be changed; create a new VlanNetwork on the other switch instead",
    fieldPath = ".switch")
public class VlanNetworkSpec {

  static final String START_IS_V4 = "self.dhcp.rangeStart.matches(r'" + ApiPatterns.IPV4 + "')";
  static final String END_IS_V4 = "self.dhcp.rangeEnd.matches(r'" + ApiPatterns.IPV4 + "')";
  static final String GATEWAY_IS_V4 = "self.gateway.matches(r'" + ApiPatterns.IPV4 + "')";
  static final String START_INT =
      "(int(self.dhcp.rangeStart.split('.')[0]) * 16777216"
          + " + int(self.dhcp.rangeStart.split('.')[1]) * 65536"
          + " + int(self.dhcp.rangeStart.split('.')[2]) * 256"
          + " + int(self.dhcp.rangeStart.split('.')[3]))";
  static final String END_INT =
      "(int(self.dhcp.rangeEnd.split('.')[0]) * 16777216"
          + " + int(self.dhcp.rangeEnd.split('.')[1]) * 65536"
          + " + int(self.dhcp.rangeEnd.split('.')[2]) * 256"
          + " + int(self.dhcp.rangeEnd.split('.')[3]))";
  static final String GATEWAY_INT =
      "(int(self.gateway.split('.')[0]) * 16777216"
          + " + int(self.gateway.split('.')[1]) * 65536"
          + " + int(self.gateway.split('.')[2]) * 256"
          + " + int(self.gateway.split('.')[3]))";

  /** The VirtualSwitch that carries this VLAN. */
  @Required
  @Pattern(ApiPatterns.OBJECT_NAME)
  @Size(max = 253)
  @JsonProperty("switch")
  private String switchName;

  /** The 802.1Q VLAN id; unique per switch. */
  @Required
  @Min(1)
  @Max(4094)
  private Integer vlanId;

  /** The IPv4 subnet of the VLAN; different VLANs may reuse overlapping subnets. */
  @Required
  @Pattern(ApiPatterns.IPV4_CIDR)
  @Size(max = 18)
  private String subnet;

  /** The router of the VLAN; never handed out by DHCP. */
  @Pattern(ApiPatterns.IPV4)
  @Size(max = 15)
  private String gateway;

  /** Addresses of the subnet that DHCP never hands out. */
  @Size(max = 1024)
  private List<@Pattern(ApiPatterns.IPV4) @Size(max = 15) String> excludeIps = new ArrayList<>();

  private DhcpSpec dhcp;

  private PortSecuritySpec portSecurity;

  @Default("None")
  private IsolationMode isolation = IsolationMode.None;

  /** Ordered policy rules; the first that matches decides. */
  @Size(max = 256)
  private List<PolicyRule> rules = new ArrayList<>();

  /** What happens to traffic no rule matches. */
  @Default("Allow")
  private PolicyAction defaultAction = PolicyAction.Allow;

  public String getSwitchName() {
    return switchName;
  }

  public void setSwitchName(String switchName) {
    this.switchName = switchName;
  }

  public Integer getVlanId() {
    return vlanId;
  }

  public void setVlanId(Integer vlanId) {
    this.vlanId = vlanId;
  }

  public String getSubnet() {
    return subnet;
  }

  public void setSubnet(String subnet) {
    this.subnet = subnet;
  }

  public String getGateway() {
    return gateway;
  }

  public void setGateway(String gateway) {
    this.gateway = gateway;
  }

  public List<String> getExcludeIps() {
    return excludeIps;
  }

  public void setExcludeIps(List<String> excludeIps) {
    this.excludeIps = excludeIps;
  }

  public DhcpSpec getDhcp() {
    return dhcp;
  }

  public void setDhcp(DhcpSpec dhcp) {
    this.dhcp = dhcp;
  }

  public PortSecuritySpec getPortSecurity() {
    return portSecurity;
  }

  public void setPortSecurity(PortSecuritySpec portSecurity) {
    this.portSecurity = portSecurity;
  }

  public IsolationMode getIsolation() {
    return isolation;
  }

  public void setIsolation(IsolationMode isolation) {
    this.isolation = isolation;
  }

  public List<PolicyRule> getRules() {
    return rules;
  }

  public void setRules(List<PolicyRule> rules) {
    this.rules = rules;
  }

  public PolicyAction getDefaultAction() {
    return defaultAction;
  }

  public void setDefaultAction(PolicyAction defaultAction) {
    this.defaultAction = defaultAction;
  }
}
