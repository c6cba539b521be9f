package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
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
 * <p>A refused put may have left part of itself in the engine (the overlay realizes the reachable
 * peers of a VLAN even when it refuses the VLAN for the others), so what the engine holds for that
 * key is not known. The next apply therefore gives that key a step whatever the diff says: a remove
 * when it is no longer wanted, a put when it is, even of the value held before.
 *
 * <p>Not thread-safe: the agent calls it from one thread.
 */
public final class StateApplier {

  private static final Logger LOG = LoggerFactory.getLogger(StateApplier.class);

  private final SwitchEngine engine;
  private DesiredState held = DesiredState.EMPTY;
  private long realizedGeneration;
  private List<EngineChange> unsettled = List.of();

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
    List<EngineChange> changes = settle(StateDiff.between(held, target), target);
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
    unsettled =
        failures.stream().map(ApplyResult.Failure::change).filter(StateApplier::isPut).toList();
    if (failures.isEmpty()) {
      realizedGeneration = target.generation();
    }
    return new ApplyResult(target.generation(), changes.size(), failures);
  }

  private static boolean isPut(EngineChange change) {
    return switch (change) {
      case EngineChange.ConfigureSwitch c -> true;
      case EngineChange.PutVlan c -> true;
      case EngineChange.PutPort c -> true;
      case EngineChange.PutRemoteMac c -> true;
      case EngineChange.PutMirror c -> true;
      default -> false;
    };
  }

  /** {@code diff} with a step for every key whose last put was refused and that has none. */
  private List<EngineChange> settle(List<EngineChange> diff, DesiredState target) {
    if (unsettled.isEmpty()) {
      return diff;
    }
    List<Object> covered = diff.stream().map(StateApplier::key).toList();
    List<EngineChange> first = new ArrayList<>();
    List<EngineChange> last = new ArrayList<>();
    for (EngineChange refused : unsettled) {
      if (covered.contains(key(refused))) {
        continue;
      }
      switch (refused) {
        case EngineChange.ConfigureSwitch c ->
            first.add(new EngineChange.ConfigureSwitch(target.settings()));
        case EngineChange.PutVlan c -> {
          int id = c.vlan().getVlanId();
          SwitchNodeVlan wanted = target.vlans().get(id);
          if (wanted == null) {
            first.add(new EngineChange.RemoveVlan(id));
          } else {
            last.add(new EngineChange.PutVlan(wanted));
          }
        }
        case EngineChange.PutPort c -> {
          SwitchNodePort wanted = target.ports().get(c.port().getName());
          if (wanted == null) {
            first.add(new EngineChange.RemovePort(c.port().getName()));
          } else {
            last.add(new EngineChange.PutPort(wanted));
          }
        }
        case EngineChange.PutRemoteMac c -> {
          DesiredState.RemoteMacKey macKey = DesiredState.RemoteMacKey.of(c.mac());
          RemoteMac wanted = target.remoteMacs().get(macKey);
          if (wanted == null) {
            first.add(new EngineChange.RemoveRemoteMac(macKey));
          } else {
            last.add(new EngineChange.PutRemoteMac(wanted));
          }
        }
        case EngineChange.PutMirror c -> {
          SwitchNodeMirror wanted = target.mirrors().get(c.mirror().getSession());
          if (wanted == null) {
            first.add(new EngineChange.RemoveMirror(c.mirror().getSession()));
          } else {
            last.add(new EngineChange.PutMirror(wanted));
          }
        }
        default -> {}
      }
    }
    List<EngineChange> all = new ArrayList<>(first);
    all.addAll(diff);
    all.addAll(last);
    return all;
  }

  /** What a step is about: the settings, or one VLAN, port, remote MAC or mirror. */
  private static Object key(EngineChange change) {
    return switch (change) {
      case EngineChange.ConfigureSwitch c -> "settings";
      case EngineChange.PutVlan c -> "vlan " + c.vlan().getVlanId();
      case EngineChange.RemoveVlan c -> "vlan " + c.vlanId();
      case EngineChange.PutPort c -> "port " + c.port().getName();
      case EngineChange.RemovePort c -> "port " + c.name();
      case EngineChange.PutRemoteMac c -> DesiredState.RemoteMacKey.of(c.mac());
      case EngineChange.RemoveRemoteMac c -> c.key();
      case EngineChange.PutMirror c -> "mirror " + c.mirror().getSession();
      case EngineChange.RemoveMirror c -> "mirror " + c.session();
    };
  }
}
