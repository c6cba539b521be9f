package io.kvswitch.dataplane.agent;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an engine to a desired state and remembers what the engine holds, so the next state is
 * applied as a difference. Every step is tried even when an earlier one fails: the steps of one
 * diff are independent once deletes come first. A failed step is taken back out of what the engine
 * is known to hold, so the next apply tries it again.
 *
 * <p>Not thread-safe: the agent calls it from one thread.
 */
public final class StateApplier {

  private static final Logger LOG = LoggerFactory.getLogger(StateApplier.class);

  private final SwitchEngine engine;
  private DesiredState held = DesiredState.EMPTY;
  private long realizedGeneration;

  public StateApplier(SwitchEngine engine) {
    this.engine = engine;
  }

  /** What the engine holds now, as far as this applier made it. */
  public DesiredState held() {
    return held;
  }

  /** The generation of the last state applied without a failure; 0 before that. */
  public long realizedGeneration() {
    return realizedGeneration;
  }

  public ApplyResult apply(DesiredState target) {
    List<EngineChange> changes = StateDiff.between(held, target);
    DesiredState before = held;
    DesiredState after = target;
    List<ApplyResult.Failure> failures = new ArrayList<>();
    for (EngineChange change : changes) {
      try {
        change.applyTo(engine);
      } catch (RuntimeException e) {
        LOG.warn(
            "generation {}: {} failed: {}", target.generation(), change.describe(), e.toString());
        failures.add(new ApplyResult.Failure(change, String.valueOf(e.getMessage())));
        after = after.undo(change, before);
      }
    }
    held = after;
    if (failures.isEmpty()) {
      realizedGeneration = target.generation();
    }
    return new ApplyResult(target.generation(), changes.size(), failures);
  }
}
