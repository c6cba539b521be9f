package io.kvswitch.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a resource's condition list for a new status. A condition keeps its {@code
 * lastTransitionTime} while its status stays the same, so an unchanged resource gets an identical
 * status and is not patched.
 */
public final class Conditions {

  private final List<Condition> previous;
  private final long generation;
  private final Clock clock;
  private final List<Condition> next = new ArrayList<>();

  public Conditions(List<Condition> previous, Long generation, Clock clock) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation == null ? 0L : generation;
    this.clock = clock;
  }

  public Conditions set(String type, boolean status, String reason, String message) {
    String value = status ? "True" : "False";
    String since =
        previous.stream()
            .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .filter(Objects::nonNull)
            .findFirst()
            .orElseGet(() -> Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    next.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build());
    return this;
  }

  /** True when {@code type} was not True before and is True now: time for a Warning event. */
  public boolean becameTrue(String type) {
    boolean was =
        previous.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    boolean is =
        next.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    return is && !was;
  }

  public List<Condition> build() {
    return List.copyOf(next);
  }
}
