package io.kvswitch.dataplane.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The steps from one desired state to another: a pure function. Deletes come first, in the reverse
 * of the order things depend on each other (mirrors, remote MACs, ports, then VLANs), so that
 * nothing ever refers to an item already gone and a port moving between VLANs never sits in both;
 * then the switch settings, and the adds and changes in dependency order (VLANs, ports, remote
 * MACs, mirrors). An item that did not change gives no step at all, so applying the same state
 * twice does nothing the second time.
 */
public final class StateDiff {

  private StateDiff() {}

  public static List<EngineChange> between(DesiredState from, DesiredState to) {
    List<EngineChange> changes = new ArrayList<>();
    removed(from.mirrors(), to.mirrors(), changes, EngineChange.RemoveMirror::new);
    removed(from.remoteMacs(), to.remoteMacs(), changes, EngineChange.RemoveRemoteMac::new);
    removed(from.ports(), to.ports(), changes, EngineChange.RemovePort::new);
    removed(from.vlans(), to.vlans(), changes, EngineChange.RemoveVlan::new);
    if (!DesiredState.same(from.settings(), to.settings())) {
      changes.add(new EngineChange.ConfigureSwitch(to.settings()));
    }
    putOrChanged(from.vlans(), to.vlans(), changes, EngineChange.PutVlan::new);
    putOrChanged(from.ports(), to.ports(), changes, EngineChange.PutPort::new);
    putOrChanged(from.remoteMacs(), to.remoteMacs(), changes, EngineChange.PutRemoteMac::new);
    putOrChanged(from.mirrors(), to.mirrors(), changes, EngineChange.PutMirror::new);
    return changes;
  }

  private static <K, V> void removed(
      Map<K, V> from, Map<K, V> to, List<EngineChange> out, Function<K, EngineChange> step) {
    for (K key : from.keySet()) {
      if (!to.containsKey(key)) {
        out.add(step.apply(key));
      }
    }
  }

  private static <K, V> void putOrChanged(
      Map<K, V> from, Map<K, V> to, List<EngineChange> out, Function<V, EngineChange> step) {
    for (Map.Entry<K, V> entry : to.entrySet()) {
      if (!DesiredState.same(from.get(entry.getKey()), entry.getValue())) {
        out.add(step.apply(entry.getValue()));
      }
    }
  }
}
