package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.OverlaySpec;
import io.kvswitch.api.v1alpha1.OverlayType;
import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.dataplane.agent.DesiredState.RemoteMacKey;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.tunnel.VxlanHeader;
import io.kvswitch.dataplane.tunnel.VxlanPeer;
import io.kvswitch.dataplane.tunnel.VxlanPeerPort;
import io.kvswitch.dataplane.tunnel.VxlanRxDrop;
import io.kvswitch.dataplane.tunnel.VxlanSettings;
import io.kvswitch.dataplane.tunnel.VxlanTunnel;
import io.kvswitch.dataplane.tunnel.VxlanTxDrop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's end of the VXLAN overlay, kept in step with its desired state: one tunnel port per
 * peer node, a trunk of exactly the VLANs this node shares with it, in one split-horizon group, and
 * the remote MACs as static MAC entries on the port of the node that owns them.
 *
 * <p>The peer set follows the VLANs' {@code tunnelPeers} as pods come and go ({@link OverlayPeers}
 * works out the steps). Adding or removing a peer or changing its VLANs touches that peer's port
 * only: the socket stays open and every other port keeps forwarding. The tunnel is opened when the
 * first peer appears and closed when the last one goes, so a node without peers (or without an
 * underlay address) has no VXLAN socket at all; it is reopened when this node's address, the UDP
 * port or the VNI base changes.
 *
 * <p>A remote MAC whose node has no tunnel port (its VLAN's peers have not been put yet, or the
 * node has no usable underlay address) is kept pending and programmed as soon as the port appears;
 * when a peer goes, its remote MACs go back to pending. A pending MAC is unknown to the switch, so
 * frames to it are flooded to the peers that carry its VLAN, which is still correct, only wider.
 *
 * <p>Called by the engine under its lock; {@link #counters()} may be called from any thread.
 */
public final class OverlayAttachment implements AutoCloseable {

  /** The split-horizon group of the tunnel ports: no frame passes from one peer to another. */
  static final int OVERLAY_GROUP = 1;

  /** What VXLAN adds to a port's IP packet: the inner Ethernet header, then VXLAN, UDP and IPv4. */
  private static final int ENCAPSULATED_EXTRA = 14 + VxlanHeader.IPV4_ENCAPSULATION_OVERHEAD;

  private static final Logger LOG = LoggerFactory.getLogger(OverlayAttachment.class);

  private final Bridge bridge;
  private final int underlayMtu;
  private SwitchSettings settings = SwitchSettings.NONE;
  private final SortedMap<Integer, SwitchNodeVlan> vlans = new TreeMap<>();
  private final SortedMap<RemoteMacKey, RemoteMac> remoteMacs = new TreeMap<>();
  private final Map<RemoteMacKey, Integer> programmed = new HashMap<>();
  private final SortedMap<String, Attached> peers = new TreeMap<>();
  private VxlanTunnel tunnel;
  private Endpoint endpoint;
  private Endpoint wanted;
  private OverlayCounters closedTunnels = OverlayCounters.NONE;

  /**
   * @param underlayMtu the underlay's IP MTU, or 0 to read it from the interface that holds this
   *     node's underlay address
   */
  public OverlayAttachment(Bridge bridge, int underlayMtu) {
    this.bridge = bridge;
    this.underlayMtu = underlayMtu;
  }

  /**
   * Takes this node's underlay address and the overlay settings. A bad address or overlay type
   * takes the overlay down (there is no address to send from) and is thrown.
   */
  public synchronized void configure(SwitchSettings settings) {
    this.settings = settings;
    RuntimeException invalid = null;
    try {
      wanted = Endpoint.of(settings);
    } catch (IllegalArgumentException e) {
      wanted = null;
      invalid = e;
    }
    List<String> failures = reconcile().failures();
    if (invalid != null) {
      throw invalid;
    }
    failIf(failures, "overlay");
  }

  /**
   * Takes a VLAN's tunnel peers. Throws, after realizing what it can, when some of its peers cannot
   * be reached: this node has no underlay address, or a peer's is missing or not IPv4.
   */
  public synchronized void putVlan(SwitchNodeVlan vlan) {
    vlans.put(vlan.getVlanId(), vlan);
    Reconciled done = reconcile();
    List<String> problems = new ArrayList<>(done.failures());
    problems.addAll(done.plan().problems().getOrDefault(vlan.getVlanId(), List.of()));
    boolean hasPeers =
        done.plan().peers().values().stream().anyMatch(p -> p.vlans().contains(vlan.getVlanId()));
    if (hasPeers && wanted == null) {
      problems.add(0, "this node has no usable underlay IP, so the overlay is down");
    }
    failIf(problems, "VLAN " + vlan.getVlanId() + " cannot reach every peer");
  }

  public synchronized void removeVlan(int vlanId) {
    vlans.remove(vlanId);
    failIf(reconcile().failures(), "overlay after removing VLAN " + vlanId);
  }

  private static void failIf(List<String> problems, String what) {
    if (!problems.isEmpty()) {
      throw new IllegalStateException(what + ": " + String.join("; ", problems));
    }
  }

  /**
   * Programs a static MAC entry on the owning node's port, or keeps it pending until there is one.
   */
  public synchronized void putRemoteMac(RemoteMac mac) {
    RemoteMacKey key = RemoteMacKey.of(mac);
    MacAddress.parse(key.mac());
    if (mac.getNode() == null) {
      throw new IllegalArgumentException("remote MAC " + key.mac() + " names no node");
    }
    remoteMacs.put(key, mac);
    program(key, mac);
  }

  public synchronized void removeRemoteMac(int vlanId, String mac) {
    RemoteMacKey key = new RemoteMacKey(vlanId, mac);
    remoteMacs.remove(key);
    unprogram(key);
  }

  /** The tunnel now, or null when there is none; for metrics. */
  public synchronized VxlanTunnel tunnel() {
    return tunnel;
  }

  /** The peer node names with a tunnel port now, and the VLANs each carries. */
  public synchronized SortedMap<String, VlanSet> peerVlans() {
    SortedMap<String, VlanSet> out = new TreeMap<>();
    peers.forEach((node, attached) -> out.put(node, attached.port().vlans()));
    return out;
  }

  /** Remote MACs waiting for their node's tunnel port. */
  public synchronized List<RemoteMacKey> pendingRemoteMacs() {
    return remoteMacs.keySet().stream().filter(k -> !programmed.containsKey(k)).toList();
  }

  public synchronized OverlayCounters counters() {
    return closedTunnels.plus(countersOf(tunnel), peers.size());
  }

  private static OverlayCounters countersOf(VxlanTunnel tunnel) {
    if (tunnel == null) {
      return OverlayCounters.NONE;
    }
    Map<VxlanRxDrop, Long> drops = new EnumMap<>(VxlanRxDrop.class);
    for (VxlanRxDrop reason : VxlanRxDrop.values()) {
      drops.put(reason, tunnel.rxDrops(reason));
    }
    Map<VxlanTxDrop, Long> offloadDrops = new EnumMap<>(VxlanTxDrop.class);
    for (VxlanTxDrop reason : VxlanTxDrop.values()) {
      offloadDrops.put(reason, tunnel.txDrops(reason));
    }
    return new OverlayCounters(
        tunnel.ports().size(),
        tunnel.rxDecapsulated(),
        drops,
        tunnel.txDatagrams(),
        tunnel.txDropped(),
        tunnel.txSegmentedFrames(),
        tunnel.txGsoFallbacks(),
        tunnel.rxCoalescedFrames(),
        offloadDrops);
  }

  /** Unplugs every peer and closes the tunnel; the local ports are not touched. */
  @Override
  public synchronized void close() {
    closeTunnel();
  }

  /**
   * Brings tunnel and peers to what the settings and VLANs ask for. Every step is tried; the ones
   * that failed are returned, and tried again on the next call.
   */
  private Reconciled reconcile() {
    OverlayPeers.Plan plan =
        OverlayPeers.desired(
            vlans.values(), settings.nodeName(), wanted == null ? null : wanted.address());
    List<String> failures = new ArrayList<>();
    if (tunnel != null && (plan.peers().isEmpty() || !endpoint.equals(wanted))) {
      closeTunnel();
    }
    if (wanted == null || plan.peers().isEmpty()) {
      return new Reconciled(plan, failures);
    }
    if (tunnel == null) {
      try {
        openTunnel(wanted);
      } catch (UncheckedIOException | IllegalStateException e) {
        failures.add(e.getMessage());
        return new Reconciled(plan, failures);
      }
    }
    Map<String, VxlanPeer> current = new TreeMap<>();
    peers.forEach((node, attached) -> current.put(node, attached.peer()));
    for (OverlayPeers.Change change : OverlayPeers.changes(current, plan.peers())) {
      try {
        switch (change) {
          case OverlayPeers.Change.Remove remove -> detach(remove.node());
          case OverlayPeers.Change.ChangeVlans retag -> retag(retag.node(), retag.vlans());
          case OverlayPeers.Change.Add add -> attach(add.peer());
        }
      } catch (RuntimeException e) {
        LOG.warn("overlay: {} failed: {}", change.describe(), e.toString());
        failures.add(change.describe() + ": " + e.getMessage());
      }
    }
    return new Reconciled(plan, failures);
  }

  private record Reconciled(OverlayPeers.Plan plan, List<String> failures) {}

  private void openTunnel(Endpoint wanted) {
    try {
      tunnel =
          VxlanTunnel.open(
              new VxlanSettings(
                  wanted.address(), wanted.udpPort(), wanted.vniBase(), underlayMtu, List.of()));
    } catch (IOException e) {
      throw new UncheckedIOException("VXLAN tunnel not opened: " + e.getMessage(), e);
    }
    endpoint = wanted;
    Integer portMtu = settings.mtu();
    int needed = portMtu == null ? 0 : portMtu + ENCAPSULATED_EXTRA;
    if (tunnel.underlayMtu() < needed) {
      // Not an error: frames that fit still cross; the rest are dropped and counted.
      LOG.warn(
          "switch MTU {} needs an underlay MTU of {}, the underlay has {}: frames of more than {}"
              + " bytes of IP are dropped as underlay_mtu_exceeded",
          portMtu,
          needed,
          tunnel.underlayMtu(),
          tunnel.underlayMtu() - ENCAPSULATED_EXTRA);
    }
    LOG.info(
        "VXLAN tunnel open on {}:{} (VNI base {}, underlay MTU {})",
        wanted.address().getHostAddress(),
        wanted.udpPort(),
        wanted.vniBase(),
        tunnel.underlayMtu());
  }

  private void closeTunnel() {
    for (String node : List.copyOf(peers.keySet())) {
      detach(node);
    }
    if (tunnel != null) {
      closedTunnels = closedTunnels.plus(countersOf(tunnel), 0);
      tunnel.close();
      LOG.info("VXLAN tunnel on {} closed", endpoint.address().getHostAddress());
    }
    tunnel = null;
    endpoint = null;
  }

  private void attach(VxlanPeer peer) {
    VxlanPeerPort port = tunnel.addPeer(peer);
    int index;
    try {
      // Tunnel ports carry no storm control of their own: every flooded frame was admitted by the
      // storm control of the port it entered on at the sending node, and limiting the sum of a
      // whole node's pods again would drop their ARP before any single one misbehaved.
      index =
          bridge.addPort(
              port,
              PortVlanConfig.trunk(peer.vlans(), 0),
              StormControlSettings.UNLIMITED,
              OVERLAY_GROUP);
    } catch (RuntimeException e) {
      tunnel.removePeer(port);
      port.close();
      throw e;
    }
    peers.put(peer.name(), new Attached(peer, port, index));
    LOG.info(
        "VXLAN peer {} at {} added, VLANs {}",
        peer.name(),
        peer.address().getHostAddress(),
        peer.vlans());
    remoteMacs.forEach(
        (key, mac) -> {
          if (peer.name().equals(mac.getNode()) && !programmed.containsKey(key)) {
            program(key, mac);
          }
        });
  }

  private void detach(String node) {
    Attached attached = peers.remove(node);
    if (attached == null) {
      return;
    }
    // Static entries first: the port's index is free for another port once it is unplugged.
    programmed
        .entrySet()
        .removeIf(
            entry -> {
              if (entry.getValue() == attached.index()) {
                RemoteMacKey key = entry.getKey();
                bridge.core().macTable().remove(key.vlanId(), MacAddress.parse(key.mac()));
                return true;
              }
              return false;
            });
    tunnel.removePeer(attached.port());
    bridge.removePort(attached.index());
    LOG.info("VXLAN peer {} removed", node);
  }

  private void retag(String node, VlanSet vlans) {
    Attached attached = peers.get(node);
    VxlanPeer peer = new VxlanPeer(node, attached.peer().address(), vlans);
    // Both sides change: what the switch sends to the peer (the trunk) and what the tunnel takes
    // from it. A frame caught between the two is dropped by one of them, never misdelivered.
    bridge
        .core()
        .setPort(
            attached.index(),
            PortVlanConfig.trunk(vlans, 0),
            StormControlSettings.UNLIMITED,
            OVERLAY_GROUP);
    attached.port().setVlans(vlans);
    peers.put(node, new Attached(peer, attached.port(), attached.index()));
    LOG.info("VXLAN peer {} now carries VLANs {}", node, vlans);
  }

  /**
   * Points the MAC's static entry at its node's port (replacing any entry in place, so a MAC that
   * moves between peers is never unknown in between), or takes it out while there is no such port.
   */
  private void program(RemoteMacKey key, RemoteMac mac) {
    Attached owner = peers.get(mac.getNode());
    if (owner == null) {
      unprogram(key);
      LOG.debug(
          "remote MAC {} in VLAN {} pending: no tunnel to {} yet",
          key.mac(),
          key.vlanId(),
          mac.getNode());
      return;
    }
    bridge.core().macTable().addStatic(key.vlanId(), MacAddress.parse(key.mac()), owner.index());
    programmed.put(key, owner.index());
  }

  private void unprogram(RemoteMacKey key) {
    if (programmed.remove(key) != null) {
      bridge.core().macTable().remove(key.vlanId(), MacAddress.parse(key.mac()));
    }
  }

  private record Attached(VxlanPeer peer, VxlanPeerPort port, int index) {}

  /** Where this node's VTEP listens and how VLANs map to VNIs. */
  private record Endpoint(Inet4Address address, int udpPort, int vniBase) {

    /** Null when the node has no underlay address: no overlay. */
    static Endpoint of(SwitchSettings settings) {
      if (settings.underlayIp() == null || settings.underlayIp().isBlank()) {
        return null;
      }
      OverlaySpec overlay = settings.overlay() == null ? new OverlaySpec() : settings.overlay();
      if (overlay.getType() != null && overlay.getType() != OverlayType.VXLAN) {
        throw new IllegalArgumentException(
            "overlay type " + overlay.getType() + " is not supported");
      }
      Inet4Address address;
      try {
        address = OverlayPeers.ipv4(settings.underlayIp());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("this node's " + e.getMessage(), e);
      }
      OverlaySpec defaults = new OverlaySpec();
      int udpPort = overlay.getUdpPort() != null ? overlay.getUdpPort() : defaults.getUdpPort();
      int vniBase = overlay.getVniBase() != null ? overlay.getVniBase() : defaults.getVniBase();
      return new Endpoint(address, udpPort, vniBase);
    }
  }
}
