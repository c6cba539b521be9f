package io.kvswitch.dataplane.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kvswitch.api.v1alpha1.MacLearningSpec;
import io.kvswitch.api.v1alpha1.OverlaySpec;
import io.kvswitch.api.v1alpha1.StormControlSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.UplinkSpec;
import java.util.List;

/** The switch-wide part of a node's desired state: everything except the keyed items. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SwitchSettings(
    String switchName,
    String nodeName,
    String underlayIp,
    Integer mtu,
    OverlaySpec overlay,
    List<UplinkSpec> uplinks,
    MacLearningSpec macLearning,
    StormControlSpec stormControl) {

  public static final SwitchSettings NONE =
      new SwitchSettings(null, null, null, null, null, List.of(), null, null);

  public SwitchSettings {
    uplinks = uplinks == null ? List.of() : List.copyOf(uplinks);
  }

  static SwitchSettings of(SwitchNodeStateSpec spec) {
    return new SwitchSettings(
        spec.getSwitchName(),
        spec.getNodeName(),
        spec.getUnderlayIp(),
        spec.getMtu(),
        spec.getOverlay(),
        spec.getUplinks(),
        spec.getMacLearning(),
        spec.getStormControl());
  }
}
