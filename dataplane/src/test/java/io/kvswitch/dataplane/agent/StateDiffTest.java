package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.mirror;
import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.remoteMac;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateDiffTest {

  private static List<String> steps(DesiredState from, DesiredState to) {
    return StateDiff.between(from, to).stream().map(EngineChange::describe).toList();
  }

  private static SwitchNodeStateSpec full() {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(vlan(10, "apps/web"));
    spec.getVlans().add(vlan(20, "apps/db"));
    spec.getPorts().add(port("apps/web-1-net1", 10, "02:00:00:00:00:01"));
    spec.getPorts().add(port("apps/db-1-net1", 20, "02:00:00:00:00:02"));
    spec.getRemoteMacs().add(remoteMac(10, "02:00:00:00:01:01", "node-b"));
    spec.getMirrors().add(mirror("apps/span"));
    return spec;
  }

  @Test
  void fromNothingEverythingIsAddedInDependencyOrder() {
    assertThat(steps(DesiredState.EMPTY, DesiredState.of(1, full())))
        .containsExactly(
            "configure switch",
            "put VLAN 10",
            "put VLAN 20",
            "put port apps/db-1-net1",
            "put port apps/web-1-net1",
            "put remote MAC 02:00:00:00:01:01 in VLAN 10",
            "put mirror apps/span");
  }

  @Test
  void theSameStateAgainGivesNoStepEvenWithANewGeneration() {
    assertThat(StateDiff.between(DesiredState.of(1, full()), DesiredState.of(2, full()))).isEmpty();
  }

  @Test
  void toNothingEverythingIsRemovedInReverseDependencyOrder() {
    DesiredState empty = DesiredState.of(2, spec("fabric", "node-a"));
    assertThat(steps(DesiredState.of(1, full()), empty))
        .containsExactly(
            "remove mirror apps/span",
            "remove remote MAC 02:00:00:00:01:01 in VLAN 10",
            "remove port apps/db-1-net1",
            "remove port apps/web-1-net1",
            "remove VLAN 10",
            "remove VLAN 20");
  }

  @Test
  void deletesComeBeforeAddsAndOnlyChangedItemsAppear() {
    SwitchNodeStateSpec next = full();
    next.getVlans().removeIf(v -> v.getVlanId() == 20);
    next.getPorts().removeIf(p -> p.getName().equals("apps/db-1-net1"));
    next.getVlans().add(vlan(30, "apps/cache"));
    next.getPorts().add(port("apps/cache-1-net1", 30, "02:00:00:00:00:03"));
    // The web port moves to another MAC: a change, not a remove and an add.
    next.getPorts().getFirst().setMac("02:00:00:00:00:11");

    assertThat(steps(DesiredState.of(1, full()), DesiredState.of(2, next)))
        .containsExactly(
            "remove port apps/db-1-net1",
            "remove VLAN 20",
            "put VLAN 30",
            "put port apps/cache-1-net1",
            "put port apps/web-1-net1");
  }

  @Test
  void aChangedNestedFieldIsSeen() {
    SwitchNodeStateSpec next = full();
    next.getVlans().getFirst().setGateway("10.0.10.1");
    next.setMtu(9000);

    assertThat(steps(DesiredState.of(1, full()), DesiredState.of(2, next)))
        .containsExactly("configure switch", "put VLAN 10");
  }

  @Test
  void remoteMacsAreKeyedByVlanAndMacWhateverTheCase() {
    SwitchNodeStateSpec next = full();
    next.getRemoteMacs().getFirst().setMac("02:00:00:00:0a:0b");
    SwitchNodeStateSpec upper = full();
    upper.getRemoteMacs().getFirst().setMac("02:00:00:00:0A:0B");

    // Same key: the entry is rewritten in place, never removed and added.
    assertThat(steps(DesiredState.of(1, next), DesiredState.of(2, upper)))
        .containsExactly("put remote MAC 02:00:00:00:0A:0B in VLAN 10");
  }

  @Test
  void itemsWithoutTheirKeyAreLeftOut() {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getPorts().add(port("apps/web-1-net1", 10, "02:00:00:00:00:01"));
    spec.getPorts().getFirst().setVlanId(null);
    spec.getVlans().add(vlan(10, "apps/web"));
    spec.getVlans().getFirst().setVlanId(null);

    DesiredState state = DesiredState.of(1, spec);

    assertThat(state.ports()).isEmpty();
    assertThat(state.vlans()).isEmpty();
  }
}
