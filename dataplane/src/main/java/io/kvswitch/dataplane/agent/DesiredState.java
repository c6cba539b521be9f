package io.kvswitch.dataplane.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One node's desired state, keyed the way the engine addresses it: ports by name, VLANs by id,
 * remote MACs by (VLAN, MAC), mirrors by session. Immutable; the {@code with}/{@code without}
 * methods return changed copies.
 *
 * <p>The API model classes have no {@code equals}, so items are compared by their JSON trees:
 * exactly what the operator wrote, field by field.
 */
public final class DesiredState {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Nothing at all: what a freshly started engine holds. */
  public static final DesiredState EMPTY =
      new DesiredState(0, SwitchSettings.NONE, Map.of(), Map.of(), Map.of(), Map.of());

  private final long generation;
  private final SwitchSettings settings;
  private final SortedMap<String, SwitchNodePort> ports;
  private final SortedMap<Integer, SwitchNodeVlan> vlans;
  private final SortedMap<RemoteMacKey, RemoteMac> remoteMacs;
  private final SortedMap<String, SwitchNodeMirror> mirrors;

  private DesiredState(
      long generation,
      SwitchSettings settings,
      Map<String, SwitchNodePort> ports,
      Map<Integer, SwitchNodeVlan> vlans,
      Map<RemoteMacKey, RemoteMac> remoteMacs,
      Map<String, SwitchNodeMirror> mirrors) {
    this.generation = generation;
    this.settings = settings;
    this.ports = Collections.unmodifiableSortedMap(new TreeMap<>(ports));
    this.vlans = Collections.unmodifiableSortedMap(new TreeMap<>(vlans));
    this.remoteMacs = Collections.unmodifiableSortedMap(new TreeMap<>(remoteMacs));
    this.mirrors = Collections.unmodifiableSortedMap(new TreeMap<>(mirrors));
  }

  /**
   * The state a SwitchNodeState asks for. Items without their key (which the schema requires) are
   * left out rather than failing the whole state.
   *
   * @param generation the object's metadata.generation, reported back once applied
   */
  public static DesiredState of(long generation, SwitchNodeStateSpec spec) {
    Map<String, SwitchNodePort> ports = new TreeMap<>();
    for (SwitchNodePort port : spec.getPorts()) {
      if (port.getName() != null && port.getVlanId() != null) {
        ports.put(port.getName(), port);
      }
    }
    Map<Integer, SwitchNodeVlan> vlans = new TreeMap<>();
    for (SwitchNodeVlan vlan : spec.getVlans()) {
      if (vlan.getVlanId() != null) {
        vlans.put(vlan.getVlanId(), vlan);
      }
    }
    Map<RemoteMacKey, RemoteMac> remoteMacs = new TreeMap<>();
    for (RemoteMac mac : spec.getRemoteMacs()) {
      if (mac.getVlanId() != null && mac.getMac() != null) {
        remoteMacs.put(RemoteMacKey.of(mac), mac);
      }
    }
    Map<String, SwitchNodeMirror> mirrors = new TreeMap<>();
    for (SwitchNodeMirror mirror : spec.getMirrors()) {
      if (mirror.getSession() != null) {
        mirrors.put(mirror.getSession(), mirror);
      }
    }
    return new DesiredState(generation, SwitchSettings.of(spec), ports, vlans, remoteMacs, mirrors);
  }

  public long generation() {
    return generation;
  }

  public SwitchSettings settings() {
    return settings;
  }

  public SortedMap<String, SwitchNodePort> ports() {
    return ports;
  }

  public SortedMap<Integer, SwitchNodeVlan> vlans() {
    return vlans;
  }

  public SortedMap<RemoteMacKey, RemoteMac> remoteMacs() {
    return remoteMacs;
  }

  public SortedMap<String, SwitchNodeMirror> mirrors() {
    return mirrors;
  }

  /** This state with {@code change} taken back: what the engine holds when the change failed. */
  DesiredState undo(EngineChange change, DesiredState before) {
    Map<String, SwitchNodePort> p = new TreeMap<>(ports);
    Map<Integer, SwitchNodeVlan> v = new TreeMap<>(vlans);
    Map<RemoteMacKey, RemoteMac> r = new TreeMap<>(remoteMacs);
    Map<String, SwitchNodeMirror> m = new TreeMap<>(mirrors);
    SwitchSettings s = settings;
    switch (change) {
      case EngineChange.ConfigureSwitch c -> s = before.settings;
      case EngineChange.PutVlan c -> restore(v, before.vlans, c.vlan().getVlanId());
      case EngineChange.RemoveVlan c -> restore(v, before.vlans, c.vlanId());
      case EngineChange.PutPort c -> restore(p, before.ports, c.port().getName());
      case EngineChange.RemovePort c -> restore(p, before.ports, c.name());
      case EngineChange.PutRemoteMac c -> restore(r, before.remoteMacs, RemoteMacKey.of(c.mac()));
      case EngineChange.RemoveRemoteMac c -> restore(r, before.remoteMacs, c.key());
      case EngineChange.PutMirror c -> restore(m, before.mirrors, c.mirror().getSession());
      case EngineChange.RemoveMirror c -> restore(m, before.mirrors, c.session());
    }
    return new DesiredState(generation, s, p, v, r, m);
  }

  private static <K, V> void restore(Map<K, V> into, Map<K, V> from, K key) {
    V old = from.get(key);
    if (old == null) {
      into.remove(key);
    } else {
      into.put(key, old);
    }
  }

  /** Whether two items (model objects or records) say the same thing, field by field. */
  static boolean same(Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    JsonNode left = JSON.valueToTree(a);
    JsonNode right = JSON.valueToTree(b);
    return left.equals(right);
  }

  /** Whether the engine would be told nothing new going from one state to the other. */
  public boolean sameContentAs(DesiredState other) {
    return StateDiff.between(this, other).isEmpty();
  }

  @Override
  public String toString() {
    return "DesiredState{generation="
        + generation
        + ", ports="
        + ports.keySet()
        + ", vlans="
        + vlans.keySet()
        + ", remoteMacs="
        + remoteMacs.size()
        + ", mirrors="
        + mirrors.keySet()
        + "}";
  }

  /** A remote MAC's identity: the VLAN it lives in and its address in lower case. */
  public record RemoteMacKey(int vlanId, String mac) implements Comparable<RemoteMacKey> {

    public RemoteMacKey {
      Objects.requireNonNull(mac, "mac");
      mac = mac.toLowerCase(Locale.ROOT);
    }

    static RemoteMacKey of(RemoteMac mac) {
      return new RemoteMacKey(mac.getVlanId(), mac.getMac());
    }

    @Override
    public int compareTo(RemoteMacKey other) {
      int byVlan = Integer.compare(vlanId, other.vlanId);
      return byVlan != 0 ? byVlan : mac.compareTo(other.mac);
    }
  }
}
