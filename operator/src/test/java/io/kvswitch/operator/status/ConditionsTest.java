package io.kvswitch.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Clock T0 =
      Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
  private static final Clock T1 =
      Clock.fixed(Instant.parse("2026-03-01T11:30:00Z"), ZoneOffset.UTC);

  @Test
  void transitionTimeIsKeptWhileTheStatusStaysTheSame() {
    List<Condition> first =
        new Conditions(null, 1L, T0).set("Ready", false, "NodesPending", "0 of 2").build();

    List<Condition> second =
        new Conditions(first, 2L, T1).set("Ready", false, "NodesPending", "1 of 2").build();

    assertThat(second.getFirst().getLastTransitionTime()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(second.getFirst().getMessage()).isEqualTo("1 of 2");
    assertThat(second.getFirst().getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void transitionTimeMovesWhenTheStatusFlips() {
    List<Condition> first =
        new Conditions(null, 1L, T0).set("Ready", false, "NodesPending", "0 of 2").build();

    Conditions next = new Conditions(first, 1L, T1).set("Ready", true, "Realized", "all");

    assertThat(next.build().getFirst().getLastTransitionTime()).isEqualTo("2026-03-01T11:30:00Z");
    assertThat(next.becameTrue("Ready")).isTrue();
    assertThat(
            new Conditions(next.build(), 1L, T1)
                .set("Ready", true, "Realized", "all")
                .becameTrue("Ready"))
        .as("already true: no second event")
        .isFalse();
  }

  @Test
  void sameInputGivesAnEqualStatusSoNothingIsPatched() {
    List<Condition> first =
        new Conditions(null, 3L, T0).set("VlanConflict", false, "VlanIdAvailable", "ok").build();
    List<Condition> again =
        new Conditions(first, 3L, T1).set("VlanConflict", false, "VlanIdAvailable", "ok").build();

    assertThat(StatusComparison.same(first, again)).isTrue();
  }
}
