package io.kvswitch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** What a switch should be. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class VirtualSwitchSpec {

  /** Nodes that carry the switch; empty or absent selects every node. */
  private LabelSelector nodeSelector;

  /** MTU of the switch's ports, in bytes. */
  @Min(576)
  @Max(9216)
  @Default("1500")
  private Integer mtu = 1500;

  /** How nodes reach each other's ports. */
  private OverlaySpec overlay;

  /** Physical NICs that connect the switch to the outside network. */
  @Size(max = 16)
  @ValidationRule(
      value = "self.all(u, self.exists_one(v, v.name == u.name))",
      message = "uplink names must be unique")
  private List<UplinkSpec> uplinks = new ArrayList<>();

  private MacLearningSpec macLearning;

  private StormControlSpec stormControl;

  private DiscoverySpec discovery;

  public LabelSelector getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(LabelSelector nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public Integer getMtu() {
    return mtu;
  }

  public void setMtu(Integer mtu) {
    this.mtu = mtu;
  }

  public OverlaySpec getOverlay() {
    return overlay;
  }

  public void setOverlay(OverlaySpec overlay) {
    this.overlay = overlay;
  }

  public List<UplinkSpec> getUplinks() {
    return uplinks;
  }

  public void setUplinks(List<UplinkSpec> uplinks) {
    this.uplinks = uplinks;
  }

  public MacLearningSpec getMacLearning() {
    return macLearning;
  }

  public void setMacLearning(MacLearningSpec macLearning) {
    this.macLearning = macLearning;
  }

  public StormControlSpec getStormControl() {
    return stormControl;
  }

  public void setStormControl(StormControlSpec stormControl) {
    this.stormControl = stormControl;
  }

  public DiscoverySpec getDiscovery() {
    return discovery;
  }

  public void setDiscovery(DiscoverySpec discovery) {
    this.discovery = discovery;
  }
}
