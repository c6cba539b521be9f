package io.kvswitch.operator.compiler;

import io.kvswitch.api.v1alpha1.ConditionTypes;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which networks a switch carries. A VLAN id is unique per switch: when two networks claim
 * the same id, the older one (by creation time, then namespace/name) keeps it and the newer gets a
 * {@code VlanConflict}, so an existing tenant is never cut off by a newcomer. A network naming a
 * switch that does not exist gets {@code SwitchNotFound}.
 *
 * @param placed networks a switch carries, by switch name, ascending by VLAN id
 * @param problems networks left out and why, by network
 */
public record VlanAssignment(
    Map<String, List<VlanNetwork>> placed, Map<ObjectKey, NetworkProblem> problems) {

  public static final String REASON_VLAN_IN_USE = "VlanIdInUse";
  public static final String REASON_SWITCH_MISSING = "SwitchMissing";

  /** Oldest first; the name breaks ties so the outcome never depends on list order. */
  static final Comparator<VlanNetwork> SENIORITY =
      Comparator.comparing(VlanAssignment::createdAt)
          .thenComparing(n -> ObjectKey.of(n), Comparator.naturalOrder());

  public static VlanAssignment of(
      Collection<VirtualSwitch> switches, Collection<VlanNetwork> networks) {
    Set<String> switchNames = new HashSet<>();
    for (VirtualSwitch vsw : switches) {
      switchNames.add(vsw.getMetadata().getName());
    }
    Map<String, Map<Integer, List<VlanNetwork>>> claims = new TreeMap<>();
    Map<ObjectKey, NetworkProblem> problems = new TreeMap<>();
    for (VlanNetwork network : networks) {
      if (network.getSpec() == null || network.getSpec().getVlanId() == null) {
        continue;
      }
      String switchName = network.getSpec().getSwitchName();
      if (!switchNames.contains(switchName)) {
        ObjectKey key = ObjectKey.of(network);
        problems.put(
            key,
            new NetworkProblem(
                key,
                ConditionTypes.SWITCH_NOT_FOUND,
                REASON_SWITCH_MISSING,
                "VirtualSwitch " + switchName + " does not exist"));
        continue;
      }
      claims
          .computeIfAbsent(switchName, s -> new TreeMap<>())
          .computeIfAbsent(network.getSpec().getVlanId(), v -> new ArrayList<>())
          .add(network);
    }
    Map<String, List<VlanNetwork>> placed = new HashMap<>();
    for (String switchName : switchNames) {
      placed.put(switchName, new ArrayList<>());
    }
    claims.forEach(
        (switchName, byVlan) ->
            byVlan.forEach(
                (vlanId, claimants) -> {
                  claimants.sort(SENIORITY);
                  VlanNetwork holder = claimants.getFirst();
                  placed.get(switchName).add(holder);
                  for (VlanNetwork loser : claimants.subList(1, claimants.size())) {
                    ObjectKey key = ObjectKey.of(loser);
                    problems.put(
                        key,
                        new NetworkProblem(
                            key,
                            ConditionTypes.VLAN_CONFLICT,
                            REASON_VLAN_IN_USE,
                            "VLAN "
                                + vlanId
                                + " on switch "
                                + switchName
                                + " is already used by VlanNetwork "
                                + ObjectKey.of(holder)));
                  }
                }));
    placed.replaceAll((s, list) -> List.copyOf(list));
    return new VlanAssignment(Map.copyOf(placed), Map.copyOf(problems));
  }

  /** The networks a switch carries, ascending by VLAN id; empty for an unknown switch. */
  public List<VlanNetwork> networksOn(String switchName) {
    return placed.getOrDefault(switchName, List.of());
  }

  private static Instant createdAt(VlanNetwork network) {
    String timestamp = network.getMetadata().getCreationTimestamp();
    if (timestamp == null) {
      // Not yet stored by the API server: younger than anything that is.
      return Instant.MAX;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return Instant.MAX;
    }
  }
}
