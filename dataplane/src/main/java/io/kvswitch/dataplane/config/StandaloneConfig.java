package io.kvswitch.dataplane.config;

import java.util.List;

/**
 * Everything the dataplane needs to run without Kubernetes, as read from a YAML or JSON file.
 *
 * @param threads forwarding threads; one per available processor when absent
 * @param batchSize frames taken from a port per receive call (64 when absent)
 * @param stormControl limits for every port that sets none of its own
 * @param metrics the Prometheus endpoint; none when absent
 */
public record StandaloneConfig(
    Integer threads,
    Integer batchSize,
    List<PortConfig> ports,
    List<BondConfig> bonds,
    MacLearningConfig macLearning,
    StormControlConfig stormControl,
    VxlanConfig vxlan,
    MetricsConfig metrics) {

  public List<PortConfig> portsOrEmpty() {
    return ports == null ? List.of() : ports;
  }

  public List<BondConfig> bondsOrEmpty() {
    return bonds == null ? List.of() : bonds;
  }
}
