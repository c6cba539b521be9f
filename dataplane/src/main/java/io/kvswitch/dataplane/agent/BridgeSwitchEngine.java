package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.PortState;
import io.kvswitch.api.v1alpha1.RemoteMac;
import io.kvswitch.api.v1alpha1.StormControlSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.bridge.PortStats;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.port.Port;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The engine on a node: local ports are the host ends of the interfaces the CNI handler created
 * (named by {@link HostInterfaces}), opened with {@code portOpener} and plugged into a running
 * {@link Bridge} as access ports of their VLAN. A port in {@code Standby} or {@code Down} is
 * unplugged so it forwards nothing; its interface stays.
 *
 * <p>VLANs need no programming in the bridge (membership is per port); they are kept for the DHCP
 * and policy pieces. The overlay between nodes (the VLANs' tunnel peers, this node's underlay
 * address, remote MACs) is the {@link OverlayAttachment}'s; the uplinks to the physical network
 * (host NICs and bonds as trunks) are the {@link UplinkAttachment}'s; mirror sessions are the
 * {@link MirrorAttachment}'s, which hears of every port plugged or unplugged.
 */
public final class BridgeSwitchEngine implements SwitchEngine {

  private final Bridge bridge;
  private final Function<String, Port> portOpener;
  private final OverlayAttachment overlay;
  private final MirrorAttachment mirrors;
  private final UplinkAttachment uplinks;
  private final Map<String, Plugged> plugged = new HashMap<>();
  private final Set<Integer> vlans = new HashSet<>();
  private StormControlSettings stormControl = StormControlSettings.UNLIMITED;

  /**
   * An engine whose uplinks' NICs are opened with {@code portOpener} too, e.g. for tests with
   * in-memory ports.
   */
  public BridgeSwitchEngine(Bridge bridge, Function<String, Port> portOpener) {
    this(bridge, portOpener, portOpener);
  }

  /** With the way uplinks' host NICs are opened given apart from the workloads' ports. */
  public BridgeSwitchEngine(
      Bridge bridge, Function<String, Port> portOpener, Function<String, Port> nicOpener) {
    this(
        bridge,
        portOpener,
        new OverlayAttachment(bridge, 0),
        MirrorAttachment.RAW_SOCKET,
        new UplinkAttachment(bridge, nicOpener));
  }

  /** With the overlay given, e.g. one with a fixed underlay MTU. */
  public BridgeSwitchEngine(
      Bridge bridge, Function<String, Port> portOpener, OverlayAttachment overlay) {
    this(bridge, portOpener, overlay, MirrorAttachment.RAW_SOCKET);
  }

  /** With the overlay and the way ERSPAN destinations are opened given, e.g. for tests. */
  public BridgeSwitchEngine(
      Bridge bridge,
      Function<String, Port> portOpener,
      OverlayAttachment overlay,
      MirrorAttachment.ErspanPorts erspanPorts) {
    this(bridge, portOpener, overlay, erspanPorts, new UplinkAttachment(bridge, portOpener));
  }

  /** With every attachment given. */
  public BridgeSwitchEngine(
      Bridge bridge,
      Function<String, Port> portOpener,
      OverlayAttachment overlay,
      MirrorAttachment.ErspanPorts erspanPorts,
      UplinkAttachment uplinks) {
    this.bridge = bridge;
    this.portOpener = portOpener;
    this.overlay = overlay;
    this.mirrors = new MirrorAttachment(bridge, this::pluggedIndex, erspanPorts);
    this.uplinks = uplinks;
  }

  private int pluggedIndex(String name) {
    Plugged port = plugged.get(name);
    return port == null ? -1 : port.index();
  }

  /** The uplinks to the physical network, for tests. */
  public UplinkAttachment uplinks() {
    return uplinks;
  }

  /** The overlay between nodes, for metrics and tests. */
  public OverlayAttachment overlay() {
    return overlay;
  }

  @Override
  public synchronized void configureSwitch(SwitchSettings settings) {
    stormControl = stormControl(settings.stormControl());
    for (Plugged port : plugged.values()) {
      bridge.core().setPort(port.index(), PortVlanConfig.access(port.vlan()), stormControl);
    }
    List<String> uplinkProblems = uplinks.configure(settings.uplinks(), stormControl);
    overlay.configure(settings);
    mirrors.configure(settings);
    if (!uplinkProblems.isEmpty()) {
      // Everything else of the settings is in place; the node's status must still not claim an
      // uplink, or a NIC of one, that carries nothing.
      throw new IllegalStateException(String.join("; ", uplinkProblems));
    }
  }

  @Override
  public synchronized void putVlan(SwitchNodeVlan vlan) {
    vlans.add(vlan.getVlanId());
    overlay.putVlan(vlan);
  }

  @Override
  public synchronized void removeVlan(int vlanId) {
    vlans.remove(vlanId);
    overlay.removeVlan(vlanId);
  }

  @Override
  public synchronized void putPort(SwitchNodePort port) {
    boolean forwards =
        port.getState() == null
            || port.getState() == PortState.Active
            || port.getState() == PortState.Pending;
    Plugged existing = plugged.get(port.getName());
    if (!forwards) {
      removePort(port.getName());
      return;
    }
    int vlan = port.getVlanId();
    PortVlanConfig access = PortVlanConfig.access(vlan);
    if (existing != null) {
      bridge.core().setPort(existing.index(), access, stormControl);
      plugged.put(port.getName(), new Plugged(existing.index(), vlan));
      return;
    }
    Port opened = portOpener.apply(HostInterfaces.forPort(port.getName()));
    try {
      plugged.put(port.getName(), new Plugged(bridge.addPort(opened, access, stormControl), vlan));
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    mirrors.portsChanged();
  }

  @Override
  public synchronized void removePort(String name) {
    Plugged port = plugged.remove(name);
    if (port != null) {
      mirrors.portsChanged();
      bridge.removePort(port.index());
    }
  }

  @Override
  public synchronized void putRemoteMac(RemoteMac mac) {
    overlay.putRemoteMac(mac);
  }

  @Override
  public synchronized void removeRemoteMac(int vlanId, String mac) {
    overlay.removeRemoteMac(vlanId, mac);
  }

  @Override
  public synchronized void putMirror(SwitchNodeMirror mirror) {
    mirrors.put(mirror);
  }

  @Override
  public synchronized void removeMirror(String session) {
    mirrors.remove(session);
  }

  /** Whether the port is plugged into the bridge now. */
  public synchronized boolean isPlugged(String name) {
    return plugged.containsKey(name);
  }

  @Override
  public EngineCounters counters() {
    long rx = 0;
    long tx = 0;
    long dropped = 0;
    int ports = 0;
    for (PortStats stats : bridge.portStats()) {
      ports++;
      rx += stats.rxPackets();
      tx += stats.txPackets();
      dropped += stats.drops().values().stream().mapToLong(Long::longValue).sum();
    }
    OverlayCounters tunnel = overlay.counters();
    // A datagram the tunnel refused is a frame dropped too, before any port saw it.
    dropped += tunnel.rxDropped();
    return new EngineCounters(
        ports, bridge.macTableStats().entries(), rx, tx, dropped, tunnel, mirrorCounters());
  }

  private synchronized List<MirrorSessionCounters> mirrorCounters() {
    return mirrors.counters();
  }

  private record Plugged(int index, int vlan) {}

  /** The API has no burst: allow one second's worth of the highest rate at once. */
  static StormControlSettings stormControl(StormControlSpec spec) {
    if (spec == null) {
      return StormControlSettings.UNLIMITED;
    }
    long broadcast = orZero(spec.getBroadcastPps());
    long multicast = orZero(spec.getMulticastPps());
    long unknown = orZero(spec.getUnknownUnicastPps());
    long burst = Math.max(broadcast, Math.max(multicast, unknown));
    return new StormControlSettings(broadcast, multicast, unknown, burst);
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
