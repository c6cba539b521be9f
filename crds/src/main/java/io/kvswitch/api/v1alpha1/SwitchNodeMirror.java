package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** A mirror session as one node programs it: its local source ports and where copies go. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SwitchNodeMirror {

  /** The MirrorSession as namespace/name. */
  @Required private String session;

  /** Local source ports, by port name. */
  private List<MirrorPortSource> sources = new ArrayList<>();

  private MirrorFilter filter;

  private Integer snapLength;

  private Integer samplingRate;

  private SwitchNodeMirrorDestination destination;

  public String getSession() {
    return session;
  }

  public void setSession(String session) {
    this.session = session;
  }

  public List<MirrorPortSource> getSources() {
    return sources;
  }

  public void setSources(List<MirrorPortSource> sources) {
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

  public SwitchNodeMirrorDestination getDestination() {
    return destination;
  }

  public void setDestination(SwitchNodeMirrorDestination destination) {
    this.destination = destination;
  }
}
