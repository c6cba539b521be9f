package io.kvswitch.dataplane.mirror;

import io.kvswitch.dataplane.frame.EthernetFrame;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Which frames a mirror session copies: every field that is set must match. An IPv4 protocol, an
 * address block that the source or destination address lies in, and transport ports that the source
 * or destination port equals. A frame that is not IPv4 matches only the empty filter; so does a
 * later fragment of a datagram when ports are asked for, as it has no transport header.
 *
 * <p>Reads the frame in place and allocates nothing.
 */
public record TrafficFilter(int protocol, int network, int prefixLength, int[] ports) {

  /** Matches every frame. */
  public static final TrafficFilter ANY = new TrafficFilter(0, 0, 0, new int[0]);

  public static final int ICMP = 1;
  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int SCTP = 132;

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  public TrafficFilter {
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("IP protocol out of range 0-255: " + protocol);
    }
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefix length out of range 0-32: " + prefixLength);
    }
    ports = ports.clone();
    if (ports.length > 0 && protocol != TCP && protocol != UDP && protocol != SCTP) {
      throw new IllegalArgumentException("filter ports need protocol TCP, UDP or SCTP");
    }
    network &= mask(prefixLength);
  }

  @Override
  public int[] ports() {
    return ports.clone();
  }

  /** Whether the filter narrows anything down at all. */
  public boolean matchesEverything() {
    return protocol == 0 && prefixLength == 0 && network == 0 && ports.length == 0;
  }

  /**
   * @param offset where the Ethernet header starts
   */
  public boolean matches(MemorySegment frame, long offset, int length) {
    if (matchesEverything()) {
      return true;
    }
    long ip = offset + EthernetFrame.HEADER_LENGTH;
    int etherType = EthernetFrame.etherType(frame, offset);
    if (etherType == EthernetFrame.ETHERTYPE_VLAN) {
      ip += EthernetFrame.TAG_LENGTH;
      if (length < EthernetFrame.TAGGED_HEADER_LENGTH) {
        return false;
      }
      etherType = EthernetFrame.readU16(frame, offset + EthernetFrame.TAGGED_HEADER_LENGTH - 2);
    }
    long end = offset + length;
    if (etherType != ETHERTYPE_IPV4 || end - ip < 20) {
      return false;
    }
    int versionAndLength = frame.get(ValueLayout.JAVA_BYTE, ip) & 0xFF;
    int headerLength = (versionAndLength & 0x0F) * 4;
    if (versionAndLength >> 4 != 4 || headerLength < 20 || end - ip < headerLength) {
      return false;
    }
    if (protocol != 0 && (frame.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xFF) != protocol) {
      return false;
    }
    if (prefixLength > 0 || network != 0) {
      int mask = mask(prefixLength);
      int source = frame.get(U32, ip + 12);
      int destination = frame.get(U32, ip + 16);
      if ((source & mask) != network && (destination & mask) != network) {
        return false;
      }
    }
    if (ports.length == 0) {
      return true;
    }
    int fragment = EthernetFrame.readU16(frame, ip + 6) & 0x1FFF;
    long transport = ip + headerLength;
    if (fragment != 0 || end - transport < 4) {
      return false;
    }
    int sourcePort = EthernetFrame.readU16(frame, transport);
    int destinationPort = EthernetFrame.readU16(frame, transport + 2);
    for (int port : ports) {
      if (port == sourcePort || port == destinationPort) {
        return true;
      }
    }
    return false;
  }

  private static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TrafficFilter f
        && protocol == f.protocol
        && network == f.network
        && prefixLength == f.prefixLength
        && Arrays.equals(ports, f.ports);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * protocol + network) + prefixLength) + Arrays.hashCode(ports);
  }

  @Override
  public String toString() {
    return "TrafficFilter[protocol="
        + protocol
        + ", network="
        + Integer.toUnsignedString(network, 16)
        + "/"
        + prefixLength
        + ", ports="
        + Arrays.toString(ports)
        + "]";
  }
}
