package io.kvswitch.e2e.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ages read as kubectl prints them on a real cluster. */
class HumanDurationTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "45, 45s",
    "119, 119s",
    "120, 2m",
    "312, 5m12s",
    "900, 15m",
    "11040, 3h4m",
    "36000, 10h",
    "190800, 2d5h",
    "7776000, 90d",
    "94608000, 3y"
  })
  void formats(long seconds, String expected) {
    assertThat(HumanDuration.format(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }
}
