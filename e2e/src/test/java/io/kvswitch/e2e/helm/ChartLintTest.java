package io.kvswitch.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict}: warnings count as failures. */
class ChartLintTest {

  @Test
  void strictLintPassesWithNothingWorseThanInformation() {
    LintResult lint = KvswitchChart.helm().lint().strict().call();

    assertThat(lint.getMessages()).allMatch(m -> m.startsWith("[INFO]"));
    assertThat(lint.isFailed()).as("lint failed: %s", lint.getMessages()).isFalse();
  }
}
