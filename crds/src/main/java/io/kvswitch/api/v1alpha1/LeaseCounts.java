package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Addresses in a network's DHCP range. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LeaseCounts {

  /** Addresses the range can hand out (excluded and reserved addresses not counted). */
  private Integer total;

  /** Addresses held by a lease that has not expired. */
  private Integer used;

  /** Addresses available for a new lease. */
  private Integer free;

  public Integer getTotal() {
    return total;
  }

  public void setTotal(Integer total) {
    this.total = total;
  }

  public Integer getUsed() {
    return used;
  }

  public void setUsed(Integer used) {
    this.used = used;
  }

  public Integer getFree() {
    return free;
  }

  public void setFree(Integer free) {
    this.free = free;
  }
}
