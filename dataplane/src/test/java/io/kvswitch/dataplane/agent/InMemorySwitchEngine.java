package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An engine that only remembers what it was told, in the order it was told, and can be made to
 * refuse chosen calls. Thread-safe, so tests read it while the agent writes it.
 */
final class InMemorySwitchEngine implements SwitchEngine {

  private final List<String> calls = new ArrayList<>();
  private final Map<String, SwitchNodePort> ports = new TreeMap<>();
  private final Map<Integer, SwitchNodeVlan> vlans = new TreeMap<>();
  private final Map<String, RemoteMac> remoteMacs = new TreeMap<>();
  private final Map<String, SwitchNodeMirror> mirrors = new TreeMap<>();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private SwitchSettings settings;
  private volatile EngineCounters counters = EngineCounters.NONE;

  /** Makes every later call whose description equals {@code call} throw, until allowed again. */
  void refuse(String call) {
    refused.add(call);
  }

  void allow(String call) {
    refused.remove(call);
  }

  void setCounters(EngineCounters counters) {
    this.counters = counters;
  }

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  synchronized void clearCalls() {
    calls.clear();
  }

  synchronized Map<String, SwitchNodePort> ports() {
    return Map.copyOf(ports);
  }

  synchronized Set<Integer> vlanIds() {
    return Set.copyOf(vlans.keySet());
  }

  synchronized Map<Integer, SwitchNodeVlan> vlans() {
    return Map.copyOf(vlans);
  }

  synchronized Set<String> remoteMacs() {
    return Set.copyOf(remoteMacs.keySet());
  }

  synchronized Set<String> mirrors() {
    return Set.copyOf(mirrors.keySet());
  }

  synchronized SwitchSettings settings() {
    return settings;
  }

  private void record(String call) {
    if (refused.contains(call)) {
      throw new IllegalStateException("refused: " + call);
    }
    calls.add(call);
  }

  @Override
  public synchronized void configureSwitch(SwitchSettings settings) {
    record("configureSwitch");
    this.settings = settings;
  }

  @Override
  public synchronized void putVlan(SwitchNodeVlan vlan) {
    record("putVlan " + vlan.getVlanId());
    vlans.put(vlan.getVlanId(), vlan);
  }

  @Override
  public synchronized void removeVlan(int vlanId) {
    record("removeVlan " + vlanId);
    vlans.remove(vlanId);
  }

  @Override
  public synchronized void putPort(SwitchNodePort port) {
    record("putPort " + port.getName());
    ports.put(port.getName(), port);
  }

  @Override
  public synchronized void removePort(String name) {
    record("removePort " + name);
    ports.remove(name);
  }

  @Override
  public synchronized void putRemoteMac(RemoteMac mac) {
    record("putRemoteMac " + mac.getVlanId() + "/" + mac.getMac());
    remoteMacs.put(mac.getVlanId() + "/" + mac.getMac(), mac);
  }

  @Override
  public synchronized void removeRemoteMac(int vlanId, String mac) {
    record("removeRemoteMac " + vlanId + "/" + mac);
    remoteMacs.remove(vlanId + "/" + mac);
  }

  @Override
  public synchronized void putMirror(SwitchNodeMirror mirror) {
    record("putMirror " + mirror.getSession());
    mirrors.put(mirror.getSession(), mirror);
  }

  @Override
  public synchronized void removeMirror(String session) {
    record("removeMirror " + session);
    mirrors.remove(session);
  }

  @Override
  public EngineCounters counters() {
    return counters;
  }
}
