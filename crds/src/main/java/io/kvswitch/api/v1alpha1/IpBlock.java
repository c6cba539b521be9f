package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** An IPv4 block, less some sub-blocks. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value =
        "!has(self.except) || !isCIDR(self.cidr)"
            + " || self.except.all(e, !isCIDR(e) || cidr(self.cidr).containsCIDR(e))",
    message = "every except block must lie inside cidr",
    fieldPath = ".except")
public class IpBlock {

  @Required
  @Pattern(ApiPatterns.IPV4_CIDR)
  @Size(max = 18)
  private String cidr;

  @Size(max = 64)
  private List<@Pattern(ApiPatterns.IPV4_CIDR) @Size(max = 18) String> except = new ArrayList<>();

  public String getCidr() {
    return cidr;
  }

  public void setCidr(String cidr) {
    this.cidr = cidr;
  }

  public List<String> getExcept() {
    return except;
  }

  public void setExcept(List<String> except) {
    this.except = except;
  }
}
