package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;

/**
 * What the agent needs from the forwarding side: one call per change of desired state. The agent
 * works out the changes ({@link StateDiff}) and calls these in a safe order, deletes first; an
 * implementation only realizes one item at a time, so the bridge, DHCP, tunnel and mirror pieces
 * can each take the calls that concern them.
 *
 * <p>{@code put*} replaces an item of the same key (port name, VLAN id, session, VLAN and MAC) or
 * adds it. A call that fails throws; the agent reports it and retries on the next pass.
 */
public interface SwitchEngine {

  /** Switch-wide settings: MTU, MAC learning, storm control, overlay, this node's underlay IP. */
  void configureSwitch(SwitchSettings settings);

  void putVlan(SwitchNodeVlan vlan);

  void removeVlan(int vlanId);

  /** A local port by its SwitchPort's namespace/name, with the VLAN the network gives it. */
  void putPort(SwitchNodePort port);

  void removePort(String name);

  /** A MAC learned on another node, reached through the overlay. */
  void putRemoteMac(RemoteMac mac);

  void removeRemoteMac(int vlanId, String mac);

  void putMirror(SwitchNodeMirror mirror);

  void removeMirror(String session);

  /** Counter totals for the status. */
  EngineCounters counters();
}
