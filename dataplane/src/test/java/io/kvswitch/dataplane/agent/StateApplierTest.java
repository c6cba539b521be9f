package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static io.kvswitch.dataplane.agent.States.vlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import org.junit.jupiter.api.Test;

class StateApplierTest {

  private final InMemorySwitchEngine engine = new InMemorySwitchEngine();
  private final StateApplier applier = new StateApplier(engine);

  private static SwitchNodeStateSpec twoPorts() {
    SwitchNodeStateSpec spec = spec("fabric", "node-a");
    spec.getVlans().add(vlan(10, "apps/web"));
    spec.getPorts().add(port("apps/a", 10, "02:00:00:00:00:01"));
    spec.getPorts().add(port("apps/b", 10, "02:00:00:00:00:02"));
    return spec;
  }

  @Test
  void applyingBringsTheEngineToTheStateAndRecordsTheGeneration() {
    ApplyResult result = applier.apply(DesiredState.of(3, twoPorts()));

    assertThat(result.succeeded()).isTrue();
    assertThat(result.steps()).isEqualTo(4);
    assertThat(engine.ports()).containsOnlyKeys("apps/a", "apps/b");
    assertThat(engine.vlanIds()).containsExactly(10);
    assertThat(applier.realizedGeneration()).isEqualTo(3);
  }

  @Test
  void applyingTheSameStateTwiceTouchesNothingTheSecondTime() {
    applier.apply(DesiredState.of(3, twoPorts()));
    engine.clearCalls();

    ApplyResult again = applier.apply(DesiredState.of(4, twoPorts()));

    assertThat(again.steps()).isZero();
    assertThat(engine.calls()).isEmpty();
    assertThat(applier.realizedGeneration()).isEqualTo(4);
  }

  @Test
  void aNewStateRemovesBeforeItAdds() {
    applier.apply(DesiredState.of(1, twoPorts()));
    engine.clearCalls();
    SwitchNodeStateSpec next = spec("fabric", "node-a");
    next.getVlans().add(vlan(20, "apps/db"));
    next.getPorts().add(port("apps/a", 20, "02:00:00:00:00:01"));

    applier.apply(DesiredState.of(2, next));

    assertThat(engine.calls())
        .containsExactly("removePort apps/b", "removeVlan 10", "putVlan 20", "putPort apps/a");
    assertThat(engine.ports()).containsOnlyKeys("apps/a");
    assertThat(engine.ports().get("apps/a").getVlanId()).isEqualTo(20);
  }

  @Test
  void aRefusedStepIsReportedKeepsTheOldGenerationAndIsRetriedNextTime() {
    applier.apply(DesiredState.of(1, twoPorts()));
    SwitchNodeStateSpec next = twoPorts();
    next.getPorts().add(port("apps/c", 10, "02:00:00:00:00:03"));
    engine.refuse("putPort apps/c");

    ApplyResult failed = applier.apply(DesiredState.of(2, next));

    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.summary(3)).isEqualTo("put port apps/c: refused: putPort apps/c");
    assertThat(applier.realizedGeneration()).isEqualTo(1);
    assertThat(applier.held().ports()).containsOnlyKeys("apps/a", "apps/b");

    engine.allow("putPort apps/c");
    engine.clearCalls();
    ApplyResult retried = applier.apply(DesiredState.of(2, next));

    assertThat(retried.succeeded()).isTrue();
    assertThat(engine.calls()).containsExactly("putPort apps/c");
    assertThat(applier.realizedGeneration()).isEqualTo(2);
  }

  @Test
  void aRefusedRemovalKeepsTheItemKnownSoItIsRemovedLater() {
    applier.apply(DesiredState.of(1, twoPorts()));
    SwitchNodeStateSpec next = twoPorts();
    next.getPorts().removeIf(p -> p.getName().equals("apps/b"));
    engine.refuse("removePort apps/b");

    applier.apply(DesiredState.of(2, next));

    assertThat(applier.held().ports()).containsOnlyKeys("apps/a", "apps/b");
    engine.allow("removePort apps/b");
    engine.clearCalls();
    applier.apply(DesiredState.of(2, next));
    assertThat(engine.calls()).containsExactly("removePort apps/b");
    assertThat(engine.ports()).containsOnlyKeys("apps/a");
  }

  @Test
  void aRefusedPutNoLongerWantedIsRemovedBecauseItMayHaveLeftSomethingBehind() {
    applier.apply(DesiredState.of(1, twoPorts()));
    SwitchNodeStateSpec withVlan20 = twoPorts();
    withVlan20.getVlans().add(vlan(20, "apps/db"));
    engine.refuse("putVlan 20");
    assertThat(applier.apply(DesiredState.of(2, withVlan20)).succeeded()).isFalse();
    engine.allow("putVlan 20");
    engine.clearCalls();

    ApplyResult back = applier.apply(DesiredState.of(3, twoPorts()));

    assertThat(back.succeeded()).isTrue();
    assertThat(engine.calls()).containsExactly("removeVlan 20");
    engine.clearCalls();
    assertThat(applier.apply(DesiredState.of(4, twoPorts())).steps()).isZero();
  }

  @Test
  void aRefusedChangeIsPutAgainEvenWhenTheStateGoesBackToTheOldValue() {
    applier.apply(DesiredState.of(1, twoPorts()));
    SwitchNodeStateSpec changed = twoPorts();
    changed.getVlans().getFirst().setSubnet("10.9.0.0/24");
    engine.refuse("putVlan 10");
    assertThat(applier.apply(DesiredState.of(2, changed)).succeeded()).isFalse();
    engine.allow("putVlan 10");
    engine.clearCalls();

    ApplyResult back = applier.apply(DesiredState.of(3, twoPorts()));

    assertThat(back.succeeded()).isTrue();
    assertThat(engine.calls()).containsExactly("putVlan 10");
    assertThat(engine.vlans().get(10).getSubnet()).isEqualTo("10.0.10.0/24");
  }

  @Test
  void aRefusedSwitchConfigurationIsAppliedAgainWhenTheSettingsGoBack() {
    applier.apply(DesiredState.of(1, twoPorts()));
    SwitchNodeStateSpec changed = twoPorts();
    changed.setUnderlayIp("not-an-address");
    engine.refuse("configureSwitch");
    assertThat(applier.apply(DesiredState.of(2, changed)).succeeded()).isFalse();
    engine.allow("configureSwitch");
    engine.clearCalls();

    applier.apply(DesiredState.of(3, twoPorts()));

    assertThat(engine.calls()).containsExactly("configureSwitch");
    assertThat(engine.settings().underlayIp()).isNull();
  }
}
