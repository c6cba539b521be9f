package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * An 802.1Q trunk to the physical network: one NIC, or several bonded together. Frames on it carry
 * tags for {@code allowedVlans}; {@code nativeVlan} travels untagged.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "size(self.interfaces) < 2 || has(self.bond)",
    message = "an uplink with more than one interface needs bond.mode",
    fieldPath = ".bond")
public class UplinkSpec {

  @Required
  @Pattern(ApiPatterns.DNS_LABEL)
  @Size(max = 15)
  private String name;

  /** Host NIC names, such as {@code eth1}. */
  @Required
  @Size(min = 1, max = 8)
  @ValidationRule(
      value = "self.all(i, self.exists_one(j, j == i))",
      message = "an interface may be listed once")
  private List<@Pattern(ApiPatterns.INTERFACE_NAME) @Size(max = 15) String> interfaces =
      new ArrayList<>();

  private BondSpec bond;

  /**
   * VLANs the trunk carries, as ids or inclusive ranges ({@code "100"}, {@code "200-300"}); empty
   * or absent carries every VLAN of the switch.
   */
  @Size(max = 256)
  @ValidationRule(
      value =
          "self.all(r, !r.matches('"
              + ApiPatterns.VLAN_RANGE
              + "') || r.split('-').all(v, int(v) >= 1 && int(v) <= 4094))",
      message = "allowedVlans entries must lie within 1-4094")
  @ValidationRule(
      value =
          "self.all(r, !r.matches('"
              + ApiPatterns.VLAN_RANGE
              + "') || size(r.split('-')) == 1 || int(r.split('-')[0]) <= int(r.split('-')[1]))",
      message = "an allowedVlans range must run from low to high, such as 200-300")
  private List<@Pattern(ApiPatterns.VLAN_RANGE) @Size(max = 9) String> allowedVlans =
      new ArrayList<>();

  /** The VLAN that crosses the trunk untagged; absent means untagged frames are dropped. */
  @Min(1)
  @Max(4094)
  private Integer nativeVlan;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public List<String> getInterfaces() {
    return interfaces;
  }

  public void setInterfaces(List<String> interfaces) {
    this.interfaces = interfaces;
  }

  public BondSpec getBond() {
    return bond;
  }

  public void setBond(BondSpec bond) {
    this.bond = bond;
  }

  public List<String> getAllowedVlans() {
    return allowedVlans;
  }

  public void setAllowedVlans(List<String> allowedVlans) {
    this.allowedVlans = allowedVlans;
  }

  public Integer getNativeVlan() {
    return nativeVlan;
  }

  public void setNativeVlan(Integer nativeVlan) {
    this.nativeVlan = nativeVlan;
  }
}
