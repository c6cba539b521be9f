package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A block's lease records. No CEL rule looks at the records: the API server would evaluate it for
 * every record on every write of the block.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DhcpLeaseBlockSpec {

  /** The VlanNetwork (same namespace). */
  @Required
  @Pattern(ApiPatterns.OBJECT_NAME)
  @Size(max = 253)
  private String network;

  /**
   * First and last address the object holds records of, such as {@code 10.0.0.32-10.0.0.63}: an
   * aligned block of the subnet (its first address a multiple of its size), independent of the
   * network's DHCP range, so that a changed range never moves a record to another object.
   */
  @Required
  @Size(max = 31)
  private String range;

  /** How many records are {@code Bound}, written with them (for {@code kubectl get}). */
  @Min(0)
  private Integer bound;

  /**
   * The records, keyed by address: a map, so the API server keeps one record per address by itself.
   */
  @Size(max = DhcpLeaseBlock.MAX_RECORDS)
  private Map<String, DhcpLeaseRecord> records = new LinkedHashMap<>();

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }

  public String getRange() {
    return range;
  }

  public void setRange(String range) {
    this.range = range;
  }

  public Integer getBound() {
    return bound;
  }

  public void setBound(Integer bound) {
    this.bound = bound;
  }

  public Map<String, DhcpLeaseRecord> getRecords() {
    return records;
  }

  public void setRecords(Map<String, DhcpLeaseRecord> records) {
    this.records = records == null ? new LinkedHashMap<>() : new LinkedHashMap<>(records);
  }
}
