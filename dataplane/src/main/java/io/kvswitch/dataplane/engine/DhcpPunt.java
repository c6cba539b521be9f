package io.kvswitch.dataplane.engine;

import io.kvswitch.dataplane.frame.EthernetFrame;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Which VLANs have a DHCP server port, and whether a frame is a DHCP client's request.
 *
 * <p>A client sends its DISCOVER and its first REQUEST by broadcast, but its renewals (RENEWING)
 * and its RELEASE by unicast to the server identifier, at whatever MAC that address resolves to.
 * Where the server identifier is the network's gateway, that MAC is the router's, so the ordinary
 * lookup would send them to the router. The core therefore hands every IPv4 UDP frame from port 68
 * to port 67 that enters on an access port of a VLAN listed here to that VLAN's DHCP server port,
 * and to no other port, whatever its destination MAC.
 *
 * <p>Immutable: the core swaps in a new one when the served VLANs change, so the forwarding path
 * reads it without locks.
 */
final class DhcpPunt {

  static final DhcpPunt NONE = new DhcpPunt(new int[VlanSet.MAX_VID + 2], false);

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int PROTOCOL_UDP = 17;
  private static final int MIN_IPV4_HEADER = 20;
  private static final int UDP_HEADER = 8;
  private static final int FRAGMENT_BITS = 0x3fff; // MF flag and fragment offset
  private static final int CLIENT_TO_SERVER_PORTS = 68 << 16 | 67;
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  /** The server port of each VID, plus one; 0 for none (so a fresh array means "none"). */
  private final int[] serverPortPlusOne;

  private final boolean active;

  private DhcpPunt(int[] serverPortPlusOne, boolean active) {
    this.serverPortPlusOne = serverPortPlusOne;
    this.active = active;
  }

  /** Whether any VLAN is punted: when not, the core skips the check with one field read. */
  boolean active() {
    return active;
  }

  /** The DHCP server port of {@code vid}, or -1. */
  int serverPort(int vid) {
    return serverPortPlusOne[vid] - 1;
  }

  /** This table with {@code port} serving exactly {@code vlans}, and no longer any other. */
  DhcpPunt withServerPort(int port, VlanSet vlans) {
    int[] next = Arrays.copyOf(serverPortPlusOne, serverPortPlusOne.length);
    boolean any = false;
    for (int vid = VlanSet.MIN_VID; vid <= VlanSet.MAX_VID; vid++) {
      if (vlans.contains(vid)) {
        next[vid] = port + 1;
      } else if (next[vid] == port + 1) {
        next[vid] = 0;
      }
      any |= next[vid] != 0;
    }
    return any ? new DhcpPunt(next, true) : NONE;
  }

  /**
   * Whether the frame is an unfragmented IPv4 UDP datagram from port 68 to port 67. Reads at most
   * five header fields, never past {@code length}, and allocates nothing.
   *
   * @param tagged whether the frame carries an 802.1Q tag (on an access port: a priority tag)
   */
  static boolean isClientRequest(MemorySegment frame, long offset, int length, boolean tagged) {
    int l2 = tagged ? EthernetFrame.TAGGED_HEADER_LENGTH : EthernetFrame.HEADER_LENGTH;
    if (length < l2 + MIN_IPV4_HEADER + UDP_HEADER
        || EthernetFrame.readU16(frame, offset + l2 - 2) != ETHERTYPE_IPV4) {
      return false;
    }
    long l3 = offset + l2;
    int versionIhl = frame.get(ValueLayout.JAVA_BYTE, l3) & 0xff;
    int headerLength = (versionIhl & 0x0f) * 4;
    // Only a whole datagram has its UDP header where the IHL says: a later fragment carries
    // payload there, and a first fragment is refused by the server anyway, so both are forwarded
    // as usual.
    return versionIhl >>> 4 == 4
        && headerLength >= MIN_IPV4_HEADER
        && l2 + headerLength + UDP_HEADER <= length
        && frame.get(ValueLayout.JAVA_BYTE, l3 + 9) == PROTOCOL_UDP
        && (EthernetFrame.readU16(frame, l3 + 6) & FRAGMENT_BITS) == 0
        && frame.get(U32, l3 + headerLength) == CLIENT_TO_SERVER_PORTS;
  }
}
