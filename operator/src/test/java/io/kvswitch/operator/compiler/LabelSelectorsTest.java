package io.kvswitch.operator.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {

  private static LabelSelector expression(String key, String operator, String... values) {
    return new LabelSelectorBuilder()
        .withMatchExpressions(
            new LabelSelectorRequirementBuilder()
                .withKey(key)
                .withOperator(operator)
                .withValues(values)
                .build())
        .build();
  }

  @Test
  void absentOrEmptySelectorMatchesEverything() {
    assertThat(LabelSelectors.matches(null, Map.of("a", "b"))).isTrue();
    assertThat(LabelSelectors.matches(new LabelSelector(), null)).isTrue();
  }

  @Test
  void matchLabelsNeedsEveryPair() {
    LabelSelector selector =
        new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web", "tier", "front")).build();

    assertThat(LabelSelectors.matches(selector, Map.of("app", "web", "tier", "front", "x", "y")))
        .isTrue();
    assertThat(LabelSelectors.matches(selector, Map.of("app", "web"))).isFalse();
  }

  @Test
  void operatorsFollowKubernetes() {
    assertThat(LabelSelectors.matches(expression("zone", "NotIn", "a"), Map.of())).isTrue();
    assertThat(LabelSelectors.matches(expression("zone", "NotIn", "a"), Map.of("zone", "a")))
        .isFalse();
    assertThat(LabelSelectors.matches(expression("gpu", "Exists"), Map.of("gpu", ""))).isTrue();
    assertThat(LabelSelectors.matches(expression("gpu", "Exists"), Map.of())).isFalse();
    assertThat(LabelSelectors.matches(expression("zone", "In", "a", "b"), Map.of("zone", "b")))
        .isTrue();
  }

  @Test
  void unknownOperatorSelectsNothing() {
    assertThat(LabelSelectors.matches(expression("zone", "Gt", "1"), Map.of("zone", "5")))
        .isFalse();
  }
}
