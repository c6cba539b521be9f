package io.kvswitch.dataplane.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RootRequirementTest {

  @Test
  void rootRuns() {
    assertThatCode(() -> RootRequirement.check(0, "true")).doesNotThrowAnyException();
    assertThatCode(() -> RootRequirement.check(0, null)).doesNotThrowAnyException();
  }

  @Test
  void anotherUserSkipsWithAMessageSayingWhy() {
    assertThatThrownBy(() -> RootRequirement.check(1000, null))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("needs root")
        .hasMessageContaining("uid 1000")
        .hasMessageContaining("skipped");
  }

  @Test
  void anotherUserFailsInCi() {
    assertThatThrownBy(() -> RootRequirement.check(1000, "true"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("needs root")
        .hasMessageContaining("CI=true forbids skipping");
  }

  @Test
  void readsTheSameEffectiveUidAsId() {
    long fromId = Long.parseLong(Commands.runOk("id", "-u").stdout().strip());
    assertThat(RootRequirement.effectiveUid()).isEqualTo(fromId);
  }
}
