package io.kvswitch.dataplane.agent;

import java.util.List;
import java.util.stream.Collectors;

/**
 * How applying one desired state went.
 *
 * @param generation the generation that was applied
 * @param steps how many changes the engine was asked to make
 * @param failures the changes it refused
 */
public record ApplyResult(long generation, int steps, List<Failure> failures) {

  public ApplyResult {
    failures = List.copyOf(failures);
  }

  public boolean succeeded() {
    return failures.isEmpty();
  }

  /** The failures in one line each, the first few only, for a condition message. */
  public String summary(int limit) {
    String shown =
        failures.stream()
            .limit(limit)
            .map(f -> f.change().describe() + ": " + f.message())
            .collect(Collectors.joining("; "));
    return failures.size() > limit ? shown + "; and " + (failures.size() - limit) + " more" : shown;
  }

  /** One refused change and the engine's reason. */
  public record Failure(EngineChange change, String message) {}
}
