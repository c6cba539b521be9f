package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.TunnelPeer;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.tunnel.VxlanPeer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which VXLAN peers a node needs, and how to get there from the peers it has: pure functions.
 *
 * <p>The operator lists, per VLAN this node has ports in, the other nodes with ports in that VLAN
 * ({@code tunnelPeers}). The overlay wants the transpose: one peer per node, carrying exactly the
 * VLANs it shares with this node. A peer's port is then a trunk of those VLANs, so a flood of VLAN
 * 10 reaches only the nodes that have VLAN 10 ports, and a datagram of another VNI from that node
 * is dropped.
 */
public final class OverlayPeers {

  private OverlayPeers() {}

  /**
   * The peers {@code vlans} ask for, by node name, and what could not be used.
   *
   * @param peers one per node, with the VLANs shared with it
   * @param problems by VLAN id: peers of that VLAN that cannot be reached (no or a bad underlay IP,
   *     or two addresses for one node); those VLANs are carried to the peers that can be
   */
  public record Plan(
      SortedMap<String, VxlanPeer> peers, SortedMap<Integer, List<String>> problems) {

    public Plan {
      peers = new TreeMap<>(peers);
      problems = new TreeMap<>(problems);
    }
  }

  /** The peers the VLANs of this node ({@code localNode}, left out if listed) need. */
  public static Plan desired(Collection<SwitchNodeVlan> vlans, String localNode) {
    return desired(vlans, localNode, null);
  }

  /**
   * Like {@link #desired(Collection, String)}; a peer claiming {@code localAddress} (this node's
   * own, may be null) is a problem: datagrams to it would come straight back.
   */
  public static Plan desired(
      Collection<SwitchNodeVlan> vlans, String localNode, Inet4Address localAddress) {
    Map<String, Inet4Address> addresses = new TreeMap<>();
    Map<String, TreeSet<Integer>> shared = new TreeMap<>();
    SortedMap<Integer, List<String>> problems = new TreeMap<>();
    for (SwitchNodeVlan vlan : vlans) {
      if (vlan.getVlanId() == null || vlan.getTunnelPeers() == null) {
        continue;
      }
      int vlanId = vlan.getVlanId();
      for (TunnelPeer peer : vlan.getTunnelPeers()) {
        String node = peer.getNode();
        if (node == null || node.equals(localNode)) {
          continue;
        }
        Inet4Address address;
        try {
          address = ipv4(peer.getUnderlayIp());
        } catch (IllegalArgumentException e) {
          problems
              .computeIfAbsent(vlanId, v -> new ArrayList<>())
              .add(node + ": " + e.getMessage());
          continue;
        }
        if (address.equals(localAddress)) {
          problems
              .computeIfAbsent(vlanId, v -> new ArrayList<>())
              .add(node + ": underlay IP " + address.getHostAddress() + " is this node's own");
          continue;
        }
        Inet4Address known = addresses.putIfAbsent(node, address);
        if (known != null && !known.equals(address)) {
          problems
              .computeIfAbsent(vlanId, v -> new ArrayList<>())
              .add(
                  node
                      + ": underlay IP "
                      + address.getHostAddress()
                      + " differs from "
                      + known.getHostAddress()
                      + " in another VLAN");
          continue;
        }
        shared.computeIfAbsent(node, n -> new TreeSet<>()).add(vlanId);
      }
    }
    SortedMap<String, VxlanPeer> peers = new TreeMap<>();
    shared.forEach(
        (node, ids) ->
            peers.put(
                node,
                new VxlanPeer(
                    node,
                    addresses.get(node),
                    VlanSet.of(ids.stream().mapToInt(Integer::intValue).toArray()))));
    return new Plan(peers, problems);
  }

  /**
   * An IPv4 address literal, never a name lookup.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static Inet4Address ipv4(String literal) {
    if (literal == null || literal.isBlank()) {
      throw new IllegalArgumentException("no underlay IP");
    }
    InetAddress address;
    try {
      address = InetAddress.ofLiteral(literal);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("underlay IP '" + literal + "' is not an IP address", e);
    }
    if (!(address instanceof Inet4Address v4)) {
      throw new IllegalArgumentException(
          "underlay IP '" + literal + "' is not IPv4; the overlay runs over IPv4");
    }
    return v4;
  }

  /** One step from the peers there are to the peers wanted. */
  public sealed interface Change {

    /** What the step does, for logs and the Ready condition's message. */
    default String describe() {
      return switch (this) {
        case Add add ->
            "add peer "
                + add.peer().name()
                + " at "
                + add.peer().address().getHostAddress()
                + " with VLANs "
                + add.peer().vlans();
        case Remove remove -> "remove peer " + remove.node();
        case ChangeVlans retag -> "change peer " + retag.node() + " to VLANs " + retag.vlans();
      };
    }

    /** A peer to add: a new port, plugged in as a trunk of its VLANs. */
    record Add(VxlanPeer peer) implements Change {}

    /** A peer to take away, with its port and the remote MACs behind it. */
    record Remove(String node) implements Change {}

    /** A peer whose shared VLANs changed: the same port, another trunk config. */
    record ChangeVlans(String node, VlanSet vlans) implements Change {}
  }

  /**
   * The steps from {@code current} to {@code desired}: removals first (a node whose underlay IP
   * changed is removed and added again, since the address is the peer's identity on the wire), then
   * VLAN changes, then additions; each group in node-name order. Equal peers give no step.
   */
  public static List<Change> changes(
      Map<String, VxlanPeer> current, Map<String, VxlanPeer> desired) {
    List<Change> removals = new ArrayList<>();
    List<Change> retags = new ArrayList<>();
    List<Change> additions = new ArrayList<>();
    for (Map.Entry<String, VxlanPeer> entry : new TreeMap<>(current).entrySet()) {
      VxlanPeer wanted = desired.get(entry.getKey());
      if (wanted == null || !wanted.address().equals(entry.getValue().address())) {
        removals.add(new Change.Remove(entry.getKey()));
      }
    }
    for (Map.Entry<String, VxlanPeer> entry : new TreeMap<>(desired).entrySet()) {
      VxlanPeer have = current.get(entry.getKey());
      VxlanPeer wanted = entry.getValue();
      if (have == null || !have.address().equals(wanted.address())) {
        additions.add(new Change.Add(wanted));
      } else if (!Objects.equals(have.vlans(), wanted.vlans())) {
        retags.add(new Change.ChangeVlans(entry.getKey(), wanted.vlans()));
      }
    }
    List<Change> all = new ArrayList<>(removals);
    all.addAll(retags);
    all.addAll(additions);
    return all;
  }
}
