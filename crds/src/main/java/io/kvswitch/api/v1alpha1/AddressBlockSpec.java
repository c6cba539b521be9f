package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A block of a DHCP range and its owner. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class AddressBlockSpec {

  /** The VlanNetwork (same namespace). */
  @Required
  @Pattern(ApiPatterns.OBJECT_NAME)
  @Size(max = 253)
  private String network;

  /** Position of the block in the range, counting from 0 at the range's first address. */
  @Required
  @Min(0)
  private Integer index;

  /** First and last address of the block, such as {@code 10.0.0.16-10.0.0.31}. */
  @Required
  @Size(max = 31)
  private String range;

  /** The node that owns the block (the last owner, once released). */
  @Required
  @Size(max = 253)
  private String node;

  @Required private AddressBlockState state;

  public String getNetwork() {
    return network;
  }

  public void setNetwork(String network) {
    this.network = network;
  }

  public Integer getIndex() {
    return index;
  }

  public void setIndex(Integer index) {
    this.index = index;
  }

  public String getRange() {
    return range;
  }

  public void setRange(String range) {
    this.range = range;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public AddressBlockState getState() {
    return state;
  }

  public void setState(AddressBlockState state) {
    this.state = state;
  }
}
