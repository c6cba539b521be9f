package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.dhcp.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriteBudgetTest {

  private final FakeClock clock = new FakeClock();

  @Test
  void aFullBucketAllowsTheBurstThenRefillsAtTheRate() {
    WriteBudget budget = new WriteBudget(2, 3, clock);

    assertThat(budget.tryTake()).isTrue();
    assertThat(budget.tryTake()).isTrue();
    assertThat(budget.tryTake()).isTrue();
    assertThat(budget.tryTake()).isFalse();

    clock.advance(Duration.ofMillis(250));
    assertThat(budget.tryTake()).isFalse();
    clock.advance(Duration.ofMillis(250));
    assertThat(budget.tryTake()).isTrue();
    assertThat(budget.tryTake()).isFalse();

    // A quiet spell fills the bucket up to the burst, no more.
    clock.advance(Duration.ofMinutes(10));
    assertThat(budget.available()).isEqualTo(3);
  }

  @Test
  void aRateOfZeroAllowsNothingEver() {
    WriteBudget budget = new WriteBudget(0, 50, clock);

    assertThat(budget.tryTake()).isFalse();
    clock.advance(Duration.ofHours(1));
    assertThat(budget.tryTake()).isFalse();
  }

  @Test
  void refusesANegativeRateAndAnEmptyBurst() {
    assertThatThrownBy(() -> new WriteBudget(-1, 1, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 or more");
    assertThatThrownBy(() -> new WriteBudget(5, 0, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("burst");
  }
}
