package io.kvswitch.dataplane.engine;

import io.kvswitch.dataplane.frame.EthernetFrame;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.frame.TagEdit;
import io.kvswitch.dataplane.mirror.MirrorRule;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * The L2 forwarding decision: frame and ingress port in, outputs or a drop reason out.
 *
 * <p>A frame passes a fixed sequence of guard checks, each of which may drop it with its own {@link
 * DropReason}: length, 802.1Q tag, ingress VLAN, source MAC, reserved destination,
 * broadcast/multicast storm control. Then the source is learned. A DHCP client's request on an
 * access port of a VLAN with a DHCP server port goes to that port alone, whatever its destination
 * MAC (see {@link #setDhcpServerPort}). Otherwise the destination is looked up, and the frame goes
 * to the one port its destination was learned on, or is flooded to every other port of its VLAN
 * (after unknown-unicast storm control). A frame never leaves on a port that does not carry its
 * VLAN, and never leaves on the port it came in on.
 *
 * <p>The core does no I/O and allocates nothing per frame. It may be called from several threads at
 * once as long as each ingress port is only ever processed by one thread (storm-control state is
 * per ingress port) and each thread passes its own {@link ForwardingResult}.
 */
public final class ForwardingCore {

  /** Mirror sessions a switch takes at most. */
  public static final int MAX_MIRRORS = MirrorLayout.MAX_SESSIONS;

  private final int maxPorts;
  private final MacTable macTable;
  private final StormControl stormControl;
  private final PortVlanConfig[] configs;
  private final int[] splitHorizonGroups;
  private volatile VlanLayout layout;
  private volatile MirrorLayout mirrors;
  private volatile DhcpPunt dhcpPunt = DhcpPunt.NONE;

  /** Per port: learns no source MACs. Replaced whole on a change, read once per frame. */
  private volatile boolean[] learningOff;

  /**
   * @param maxPorts the highest port index plus one
   */
  public ForwardingCore(int maxPorts, MacTableSettings macSettings) {
    this.maxPorts = maxPorts;
    this.macTable = new MacTable(macSettings, maxPorts);
    this.stormControl = new StormControl(maxPorts);
    this.configs = new PortVlanConfig[maxPorts];
    this.splitHorizonGroups = new int[maxPorts];
    this.learningOff = new boolean[maxPorts];
    this.layout = newLayout();
    this.mirrors = new MirrorLayout(maxPorts, List.of());
  }

  public int maxPorts() {
    return maxPorts;
  }

  public MacTable macTable() {
    return macTable;
  }

  /** Adds or reconfigures port {@code port}. Takes effect for the next frame on every thread. */
  public void setPort(int port, PortVlanConfig vlanConfig, StormControlSettings stormSettings) {
    setPort(port, vlanConfig, stormSettings, 0);
  }

  /**
   * Adds or reconfigures a port that belongs to split-horizon group {@code splitHorizonGroup} (0
   * for none). Frames never pass between two ports of one group, flooded or not: the VXLAN ports of
   * a full mesh of peers form one group, because every peer reaches every other directly and a
   * frame relayed from one tunnel into another could only loop or duplicate.
   */
  public synchronized void setPort(
      int port,
      PortVlanConfig vlanConfig,
      StormControlSettings stormSettings,
      int splitHorizonGroup) {
    if (port < 0 || port >= maxPorts) {
      throw new IllegalArgumentException(
          "port index out of range 0-" + (maxPorts - 1) + ": " + port);
    }
    if (splitHorizonGroup < 0) {
      throw new IllegalArgumentException(
          "split-horizon group must be 0 or more: " + splitHorizonGroup);
    }
    configs[port] = vlanConfig;
    splitHorizonGroups[port] = splitHorizonGroup;
    stormControl.configure(port, stormSettings);
    layout = newLayout();
  }

  private VlanLayout newLayout() {
    return new VlanLayout(
        Arrays.copyOf(configs, maxPorts), Arrays.copyOf(splitHorizonGroups, maxPorts));
  }

  /**
   * Makes {@code port} the DHCP server of exactly {@code vlans} (none: of no VLAN any more). From
   * the next frame on, an unfragmented IPv4 UDP frame from port 68 to port 67 that enters on an
   * access port of one of these VLANs goes to {@code port} only: not flooded, and not to the port
   * its destination MAC was learned on. That is how a client's unicast renewal or release, which it
   * sends to the MAC of the server identifier (the router's, when that is the gateway), reaches the
   * server. Frames from trunks and tunnels are forwarded as usual. The port must carry the VLANs;
   * while it does not, their frames are forwarded as usual too.
   */
  public synchronized void setDhcpServerPort(int port, VlanSet vlans) {
    if (port < 0 || port >= maxPorts) {
      throw new IllegalArgumentException(
          "port index out of range 0-" + (maxPorts - 1) + ": " + port);
    }
    dhcpPunt = dhcpPunt.withServerPort(port, vlans);
  }

  /**
   * Turns learning of source MACs on or off for one port, like a Linux bridge port's {@code
   * learning} flag; every port learns until told otherwise. A port that does not learn is reached
   * through static MAC entries, or else by flooding; turning learning off forgets what the port
   * learned. A MAC learned on another port stays there when its frames arrive on this one.
   */
  public synchronized void setLearning(int port, boolean learning) {
    if (port < 0 || port >= maxPorts) {
      throw new IllegalArgumentException(
          "port index out of range 0-" + (maxPorts - 1) + ": " + port);
    }
    boolean[] next = learningOff.clone();
    next[port] = !learning;
    learningOff = next;
    if (!learning) {
      macTable.flushPort(port);
    }
  }

  /** Whether the port learns source MACs ({@link #setLearning}). */
  public boolean isLearning(int port) {
    return !learningOff[port];
  }

  /** Removes a port: it gets no more frames and its learned MACs are forgotten. */
  public synchronized void removePort(int port) {
    if (port < 0 || port >= maxPorts) {
      throw new IllegalArgumentException(
          "port index out of range 0-" + (maxPorts - 1) + ": " + port);
    }
    dhcpPunt = dhcpPunt.withServerPort(port, VlanSet.of());
    configs[port] = null;
    splitHorizonGroups[port] = 0;
    if (learningOff[port]) {
      boolean[] next = learningOff.clone();
      next[port] = false;
      learningOff = next;
    }
    layout = newLayout();
    macTable.flushPort(port);
  }

  /**
   * Replaces every mirror session at once. A port that becomes a destination stops taking normal
   * traffic with the next frame and forgets the MACs learned on it, so no unicast is sent there.
   *
   * @throws IllegalArgumentException for more than 64 sessions or a port index out of range
   */
  public synchronized void setMirrors(List<MirrorRule> sessions) {
    MirrorLayout next = new MirrorLayout(maxPorts, sessions);
    MirrorLayout previous = mirrors;
    mirrors = next;
    for (int port = 0; port < maxPorts; port++) {
      if (next.isDestination(port) && !previous.isDestination(port)) {
        macTable.flushPort(port);
      }
    }
  }

  /** The mirror sessions in force. */
  public List<MirrorRule> mirrors() {
    return mirrors.rules();
  }

  /**
   * Decides what happens to one frame.
   *
   * @param ingress the index of the port the frame arrived on
   * @param now monotonic time in nanoseconds, for aging and storm control; callers read their clock
   *     once per batch, not per frame
   * @param result where the decision is written; reset first
   */
  public void process(
      int ingress,
      MemorySegment frame,
      long offset,
      int length,
      long now,
      ForwardingResult result) {
    result.reset();
    if (length < EthernetFrame.HEADER_LENGTH) {
      result.drop(DropReason.RUNT);
      return;
    }
    VlanLayout ports = layout;
    if (ingress < 0 || ingress >= maxPorts || !ports.exists(ingress)) {
      result.drop(DropReason.UNKNOWN_INGRESS_PORT);
      return;
    }
    MirrorLayout taps = mirrors;
    if (taps.isDestination(ingress)) {
      result.drop(DropReason.MIRROR_DESTINATION);
      return;
    }
    boolean tagged = EthernetFrame.etherType(frame, offset) == EthernetFrame.ETHERTYPE_VLAN;
    int tagVid = 0;
    if (tagged) {
      if (length < EthernetFrame.TAGGED_HEADER_LENGTH) {
        result.drop(DropReason.BAD_VLAN_TAG);
        return;
      }
      tagVid = EthernetFrame.tci(frame, offset) & EthernetFrame.VID_MASK;
      if (tagVid == EthernetFrame.VID_RESERVED) {
        result.drop(DropReason.BAD_VLAN_TAG);
        return;
      }
    }

    int vlan = ingressVlan(ports, ingress, tagVid, result);
    if (vlan == 0) {
      return;
    }
    result.setVlan(vlan);

    long source = EthernetFrame.source(frame, offset);
    if (MacAddress.isMulticast(source)) {
      result.drop(DropReason.SOURCE_MAC_MULTICAST);
      return;
    }
    if (source == 0) {
      result.drop(DropReason.SOURCE_MAC_ZERO);
      return;
    }
    long destination = EthernetFrame.destination(frame, offset);
    if (MacAddress.isLinkLocalControl(destination)) {
      result.drop(DropReason.LINK_LOCAL_DESTINATION);
      return;
    }

    boolean group = MacAddress.isMulticast(destination);
    if (group) {
      boolean broadcast = MacAddress.isBroadcast(destination);
      int trafficClass = broadcast ? StormControl.BROADCAST : StormControl.MULTICAST;
      if (!stormControl.admit(ingress, trafficClass, now)) {
        result.drop(broadcast ? DropReason.STORM_BROADCAST : DropReason.STORM_MULTICAST);
        return;
      }
    }

    if (!learningOff[ingress]) {
      macTable.learn(vlan, source, ingress, now);
    }

    DhcpPunt punt = dhcpPunt;
    if (punt.active() && ports.isAccess(ingress)) {
      int server = punt.serverPort(vlan);
      if (server >= 0
          && server != ingress
          && ports.carries(server, vlan)
          && DhcpPunt.isClientRequest(frame, offset, length, tagged)) {
        addOutput(ports, server, vlan, tagged, tagVid, result);
        // Still traffic of the client's port: its mirror sessions see the request.
        addCopies(taps, ingress, frame, offset, length, result);
        return;
      }
    }

    if (!group) {
      int egress = macTable.lookup(vlan, destination, now);
      // A learned port that no longer carries the VLAN (reconfigured since) counts as unknown.
      if (egress >= 0 && ports.carries(egress, vlan) && !taps.isDestination(egress)) {
        if (egress == ingress) {
          result.drop(DropReason.DESTINATION_ON_INGRESS_PORT);
          return;
        }
        if (ports.sameSplitHorizon(ingress, egress)) {
          result.drop(DropReason.SPLIT_HORIZON);
          return;
        }
        addOutput(ports, egress, vlan, tagged, tagVid, result);
        addCopies(taps, ingress, frame, offset, length, result);
        return;
      }
      if (!stormControl.admit(ingress, StormControl.UNKNOWN_UNICAST, now)) {
        result.drop(DropReason.STORM_UNKNOWN_UNICAST);
        return;
      }
    }

    result.setFlooded(true);
    for (int egress : ports.floodPorts(vlan)) {
      if (egress != ingress
          && !ports.sameSplitHorizon(ingress, egress)
          && !taps.isDestination(egress)) {
        addOutput(ports, egress, vlan, tagged, tagVid, result);
      }
    }
    if (result.outputCount() == 0) {
      result.drop(DropReason.NO_EGRESS_PORT);
      return;
    }
    addCopies(taps, ingress, frame, offset, length, result);
  }

  /**
   * Adds the mirror copies of a frame that is being forwarded: first for sessions that watch what
   * the ingress port receives, then for those that watch what an output port sends. Each session
   * decides once per frame (filter, then sampling) and copies it at most once, however many of its
   * source ports the frame touches, as one flood would otherwise give one copy per port.
   */
  private static void addCopies(
      MirrorLayout taps,
      int ingress,
      MemorySegment frame,
      long offset,
      int length,
      ForwardingResult result) {
    if (!taps.any()) {
      return;
    }
    long decided = 0;
    MirrorRule[] received = taps.onReceive(ingress);
    int[] receivedSlots = taps.receiveSlots(ingress);
    for (int i = 0; i < received.length; i++) {
      long bit = 1L << receivedSlots[i];
      if ((decided & bit) == 0) {
        decided |= bit;
        if (received[i].selects(frame, offset, length)) {
          result.addCopy(received[i], TagEdit.KEEP, 0);
        }
      }
    }
    int outputs = result.outputCount();
    for (int output = 0; output < outputs; output++) {
      int egress = result.port(output);
      MirrorRule[] sent = taps.onSend(egress);
      int[] sentSlots = taps.sendSlots(egress);
      for (int i = 0; i < sent.length; i++) {
        long bit = 1L << sentSlots[i];
        if ((decided & bit) == 0) {
          decided |= bit;
          if (sent[i].selects(frame, offset, length)) {
            result.addCopy(sent[i], result.tagEdit(output), result.egressVid(output));
          }
        }
      }
    }
  }

  /** The VLAN the frame belongs to, or 0 after recording why it may not enter. */
  private static int ingressVlan(
      VlanLayout ports, int ingress, int tagVid, ForwardingResult result) {
    // VID 0 marks a priority-tagged frame, which belongs to the port's untagged VLAN.
    if (ports.isAccess(ingress)) {
      if (tagVid != 0) {
        result.drop(DropReason.TAGGED_ON_ACCESS_PORT);
        return 0;
      }
      return ports.untaggedVlan(ingress);
    }
    if (tagVid != 0) {
      // Frames tagged with the native VLAN are accepted too, as on most physical switches.
      if (!ports.carries(ingress, tagVid)) {
        result.drop(DropReason.VLAN_NOT_ALLOWED);
        return 0;
      }
      return tagVid;
    }
    int nativeVlan = ports.untaggedVlan(ingress);
    if (nativeVlan == 0) {
      result.drop(DropReason.UNTAGGED_WITHOUT_NATIVE_VLAN);
    }
    return nativeVlan;
  }

  private static void addOutput(
      VlanLayout ports, int egress, int vlan, boolean tagged, int tagVid, ForwardingResult result) {
    boolean tagOut = ports.tagsOnEgress(egress, vlan);
    TagEdit edit;
    if (!tagged) {
      edit = tagOut ? TagEdit.PUSH : TagEdit.KEEP;
    } else if (!tagOut) {
      edit = TagEdit.POP;
    } else {
      edit = tagVid == vlan ? TagEdit.KEEP : TagEdit.REWRITE;
    }
    result.add(egress, edit, tagOut ? vlan : 0);
  }
}
