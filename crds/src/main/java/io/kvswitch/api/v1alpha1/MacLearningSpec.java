package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Limits of the MAC table, which is keyed by (VLAN, MAC) on every node. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "!has(self.maxPerPort) || self.maxPerPort <= self.maxEntries",
    message = "maxPerPort cannot exceed maxEntries",
    fieldPath = ".maxPerPort")
public class MacLearningSpec {

  /** A learned MAC not seen for this long is forgotten. */
  @Min(15)
  @Max(3600)
  @Default("300")
  private Integer agingSeconds = 300;

  /** Entries per node; when full, the port holding most entries loses its oldest. */
  @Min(1)
  @Max(1048576)
  @Default("8192")
  private Integer maxEntries = 8192;

  /** Entries one port may hold, so one port cannot flood the table; absent means no limit. */
  @Min(1)
  private Integer maxPerPort;

  public Integer getAgingSeconds() {
    return agingSeconds;
  }

  public void setAgingSeconds(Integer agingSeconds) {
    this.agingSeconds = agingSeconds;
  }

  public Integer getMaxEntries() {
    return maxEntries;
  }

  public void setMaxEntries(Integer maxEntries) {
    this.maxEntries = maxEntries;
  }

  public Integer getMaxPerPort() {
    return maxPerPort;
  }

  public void setMaxPerPort(Integer maxPerPort) {
    this.maxPerPort = maxPerPort;
  }
}
