package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** What to mirror, which part of it, and where to send the copies. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MirrorSessionSpec {

  /** A disabled session stays defined but mirrors nothing. */
  @Default("true")
  private Boolean enabled = Boolean.TRUE;

  @Required
  @Size(min = 1, max = 16)
  private List<MirrorSource> sources = new ArrayList<>();

  private MirrorFilter filter;

  /** Bytes kept of each mirrored frame; 0 keeps the whole frame. */
  @Min(0)
  @Max(65535)
  @Default("0")
  @ValidationRule(
      value = "self == 0 || self >= 64",
      message = "snapLength must be 0 (whole frame) or at least 64 bytes")
  private Integer snapLength = 0;

  /** Mirror one frame in this many; 1 mirrors every frame. */
  @Min(1)
  @Max(1000000)
  @Default("1")
  private Integer samplingRate = 1;

  @Required private MirrorDestination destination;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public List<MirrorSource> getSources() {
    return sources;
  }

  public void setSources(List<MirrorSource> sources) {
    this.sources = sources;
  }

  public MirrorFilter getFilter() {
    return filter;
  }

  public void setFilter(MirrorFilter filter) {
    this.filter = filter;
  }

  public Integer getSnapLength() {
    return snapLength;
  }

  public void setSnapLength(Integer snapLength) {
    this.snapLength = snapLength;
  }

  public Integer getSamplingRate() {
    return samplingRate;
  }

  public void setSamplingRate(Integer samplingRate) {
    this.samplingRate = samplingRate;
  }

  public MirrorDestination getDestination() {
    return destination;
  }

  public void setDestination(MirrorDestination destination) {
    this.destination = destination;
  }
}
