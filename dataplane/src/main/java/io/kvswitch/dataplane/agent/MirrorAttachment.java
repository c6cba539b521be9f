package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.ErspanDestination;
import io.kvswitch.api.v1alpha1.MirrorDirection;
import io.kvswitch.api.v1alpha1.MirrorFilter;
import io.kvswitch.api.v1alpha1.MirrorPortSource;
import io.kvswitch.api.v1alpha1.MirrorPortTarget;
import io.kvswitch.api.v1alpha1.SwitchNodeMirror;
import io.kvswitch.api.v1alpha1.SwitchNodeMirrorDestination;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.engine.ForwardingCore;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.mirror.ErspanEncapsulation;
import io.kvswitch.dataplane.mirror.ErspanPort;
import io.kvswitch.dataplane.mirror.MirrorRule;
import io.kvswitch.dataplane.mirror.MirrorStats;
import io.kvswitch.dataplane.mirror.RawGreSocket;
import io.kvswitch.dataplane.mirror.TrafficFilter;
import io.kvswitch.dataplane.port.Port;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * The node's mirror sessions, realized as {@link MirrorRule}s in the bridge's forwarding core.
 *
 * <p>Sources and a local destination are named by port; they are looked up among the ports plugged
 * now, and every session is worked out again when a port is plugged or unplugged, so a session
 * follows its ports through restarts and live migration. A source that is not plugged is left out;
 * a session whose destination is gone copies nothing until it is back. An ERSPAN destination is a
 * send-only {@link ErspanPort} of its own, in no VLAN.
 *
 * <p>A destination port on another node is refused with a reason that says so: carrying copies
 * there would need the receiving node to take them out of the tunnel, which it does not do yet.
 *
 * <p>Counters belong to the session, not to its rule, so they keep counting across changes. Callers
 * serialize calls (the engine's lock).
 */
public final class MirrorAttachment {

  /** Opens the send-only port for an ERSPAN destination. */
  @FunctionalInterface
  public interface ErspanPorts {
    Port open(String name, ErspanDestination destination, int underlayMtu);
  }

  /** The port a raw GRE socket sends through. */
  public static final ErspanPorts RAW_SOCKET =
      (name, destination, mtu) -> {
        Inet4Address remote = ipv4(destination.getRemoteIp());
        return new ErspanPort(
            name,
            new ErspanEncapsulation(
                Objects.requireNonNullElse(destination.getVersion(), ErspanEncapsulation.TYPE_III),
                destination.getSessionId()),
            new RawGreSocket(remote),
            mtu);
      };

  /** When the underlay's interface cannot be found, as on most networks. */
  static final int DEFAULT_UNDERLAY_MTU = 1500;

  private static final PortVlanConfig NO_VLAN = PortVlanConfig.trunk(VlanSet.parse(""), 0);

  private final Bridge bridge;
  private final ToIntFunction<String> localPorts;
  private final ErspanPorts erspanPorts;
  private final Map<String, SwitchNodeMirror> sessions = new TreeMap<>();
  private final Map<String, MirrorStats> stats = new HashMap<>();
  private final Map<String, Erspan> erspans = new HashMap<>();
  private SwitchSettings settings = SwitchSettings.NONE;
  private long erspansOpened;

  /**
   * @param localPorts the bridge index of a local port by its name, -1 when it is not plugged
   */
  public MirrorAttachment(
      Bridge bridge, ToIntFunction<String> localPorts, ErspanPorts erspanPorts) {
    this.bridge = bridge;
    this.localPorts = localPorts;
    this.erspanPorts = erspanPorts;
  }

  public void configure(SwitchSettings settings) {
    this.settings = settings;
  }

  /** Adds or changes a session. Throws, leaving the previous one in force, when it cannot be. */
  public void put(SwitchNodeMirror mirror) {
    String session = mirror.getSession();
    SwitchNodeMirrorDestination destination = mirror.getDestination();
    if (destination == null
        || (destination.getPort() == null) == (destination.getErspan() == null)) {
      throw new IllegalArgumentException(
          "mirror " + session + ": needs exactly one destination, a port or ERSPAN");
    }
    if (!sessions.containsKey(session) && sessions.size() >= ForwardingCore.MAX_MIRRORS) {
      throw new IllegalStateException(
          "mirror "
              + session
              + ": at most "
              + ForwardingCore.MAX_MIRRORS
              + " mirror sessions per node");
    }
    try {
      filter(mirror.getFilter());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mirror " + session + ": filter: " + e.getMessage(), e);
    }
    if (destination.getPort() != null) {
      checkLocal(session, destination.getPort());
    }
    Erspan previousErspan = erspans.get(session);
    Erspan opened = null;
    if (destination.getErspan() != null
        && (previousErspan == null
            || !previousErspan.destination().equals(key(destination.getErspan())))) {
      opened = openErspan(session, destination.getErspan());
    }
    SwitchNodeMirror previous = sessions.put(session, mirror);
    if (opened != null) {
      erspans.put(session, opened);
    } else if (destination.getErspan() == null) {
      erspans.remove(session);
    }
    try {
      apply();
    } catch (RuntimeException e) {
      restore(session, previous);
      if (previousErspan != null) {
        erspans.put(session, previousErspan);
      } else {
        erspans.remove(session);
      }
      if (opened != null) {
        bridge.removePort(opened.index());
      }
      throw e;
    }
    if (previousErspan != null && erspans.get(session) != previousErspan) {
      bridge.removePort(previousErspan.index());
    }
  }

  public void remove(String session) {
    if (sessions.remove(session) == null) {
      return;
    }
    apply();
    stats.remove(session);
    Erspan erspan = erspans.remove(session);
    if (erspan != null) {
      bridge.removePort(erspan.index());
    }
  }

  /**
   * Works every session out again against the ports plugged now. Called after a port is plugged,
   * and after one is unplugged but before its index is given up, so no copy goes to a port that has
   * taken over the index.
   */
  public void portsChanged() {
    apply();
  }

  /** Per session, ascending by session. */
  public List<MirrorSessionCounters> counters() {
    List<MirrorSessionCounters> counters = new ArrayList<>();
    for (String session : sessions.keySet()) {
      MirrorStats s = stats.get(session);
      if (s != null) {
        counters.add(new MirrorSessionCounters(session, s.mirrored(), s.dropped()));
      }
    }
    return counters;
  }

  public void close() {
    sessions.clear();
    apply();
    for (Erspan erspan : erspans.values()) {
      bridge.removePort(erspan.index());
    }
    erspans.clear();
  }

  private void restore(String session, SwitchNodeMirror previous) {
    if (previous == null) {
      sessions.remove(session);
    } else {
      sessions.put(session, previous);
    }
  }

  private void checkLocal(String session, MirrorPortTarget target) {
    String node = settings.nodeName();
    if (target.getNode() != null && node != null && !target.getNode().equals(node)) {
      throw new UnsupportedOperationException(
          "mirror "
              + session
              + ": destination port "
              + target.getPort()
              + " is on node "
              + target.getNode()
              + "; copies to a port on another node are not supported, use an ERSPAN destination");
    }
    if (localPorts.applyAsInt(target.getPort()) < 0) {
      throw new IllegalStateException(
          "mirror " + session + ": destination port " + target.getPort() + " is not plugged here");
    }
  }

  private Erspan openErspan(String session, ErspanDestination destination) {
    // Numbered: a changed destination's port is opened before the old one is closed.
    Port port =
        erspanPorts.open("erspan:" + session + "#" + ++erspansOpened, destination, underlayMtu());
    try {
      int index = bridge.addPort(port, NO_VLAN, StormControlSettings.UNLIMITED);
      return new Erspan(index, key(destination));
    } catch (RuntimeException e) {
      port.close();
      throw e;
    }
  }

  /** Installs the rules of every session whose destination is there now. */
  private void apply() {
    List<MirrorRule> rules = new ArrayList<>();
    for (SwitchNodeMirror mirror : sessions.values()) {
      int destination = destinationIndex(mirror);
      if (destination < 0) {
        continue;
      }
      List<Integer> received = new ArrayList<>();
      List<Integer> sent = new ArrayList<>();
      for (MirrorPortSource source : mirror.getSources()) {
        int index = localPorts.applyAsInt(source.getPort());
        if (index < 0) {
          continue;
        }
        MirrorDirection direction =
            Objects.requireNonNullElse(source.getDirection(), MirrorDirection.Both);
        // Seen from the workload: its egress is what the switch receives from it.
        if (direction != MirrorDirection.Ingress) {
          received.add(index);
        }
        if (direction != MirrorDirection.Egress) {
          sent.add(index);
        }
      }
      rules.add(
          new MirrorRule(
              destination,
              received.stream().mapToInt(Integer::intValue).toArray(),
              sent.stream().mapToInt(Integer::intValue).toArray(),
              filter(mirror.getFilter()),
              Objects.requireNonNullElse(mirror.getSnapLength(), 0),
              Objects.requireNonNullElse(mirror.getSamplingRate(), 1),
              stats.computeIfAbsent(mirror.getSession(), MirrorStats::new)));
    }
    bridge.core().setMirrors(rules);
  }

  private int destinationIndex(SwitchNodeMirror mirror) {
    Erspan erspan = erspans.get(mirror.getSession());
    if (erspan != null) {
      return erspan.index();
    }
    MirrorPortTarget port = mirror.getDestination().getPort();
    return port == null ? -1 : localPorts.applyAsInt(port.getPort());
  }

  static TrafficFilter filter(MirrorFilter filter) {
    if (filter == null) {
      return TrafficFilter.ANY;
    }
    int protocol =
        filter.getProtocol() == null
            ? 0
            : switch (filter.getProtocol()) {
              case TCP -> TrafficFilter.TCP;
              case UDP -> TrafficFilter.UDP;
              case SCTP -> TrafficFilter.SCTP;
              case ICMP -> TrafficFilter.ICMP;
            };
    int network = 0;
    int prefix = 0;
    if (filter.getCidr() != null && !filter.getCidr().isBlank()) {
      String[] parts = filter.getCidr().split("/", 2);
      byte[] address = ipv4(parts[0]).getAddress();
      network =
          (address[0] & 0xFF) << 24
              | (address[1] & 0xFF) << 16
              | (address[2] & 0xFF) << 8
              | address[3] & 0xFF;
      prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : 32;
    }
    int[] ports =
        filter.getPorts() == null
            ? new int[0]
            : filter.getPorts().stream()
                .filter(Objects::nonNull)
                .mapToInt(Integer::intValue)
                .toArray();
    return new TrafficFilter(protocol, network, prefix, ports);
  }

  private int underlayMtu() {
    String underlay = settings.underlayIp();
    if (underlay == null) {
      return DEFAULT_UNDERLAY_MTU;
    }
    try {
      NetworkInterface device = NetworkInterface.getByInetAddress(ipv4(underlay));
      return device == null ? DEFAULT_UNDERLAY_MTU : device.getMTU();
    } catch (SocketException e) {
      return DEFAULT_UNDERLAY_MTU;
    }
  }

  private static Inet4Address ipv4(String text) {
    if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      throw new IllegalArgumentException("not an IPv4 address: " + text);
    }
    try {
      if (InetAddress.getByName(text) instanceof Inet4Address address) {
        return address;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("not an IPv4 address: " + text);
  }

  private static String key(ErspanDestination destination) {
    return destination.getRemoteIp()
        + "/"
        + destination.getSessionId()
        + "/"
        + Objects.requireNonNullElse(destination.getVersion(), ErspanEncapsulation.TYPE_III);
  }

  private record Erspan(int index, String destination) {}
}
