package io.kvswitch.dataplane.dhcp.frame;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;

/**
 * Where a reply goes, at IP and at Ethernet level (RFC 2131 §4.1, the paragraph on 'giaddr',
 * 'ciaddr' and the broadcast bit). This is the one place that decides it; the Ethernet framer and
 * the UDP transport both follow it.
 *
 * @param kind which rule applied
 * @param ip destination IP address
 * @param port destination UDP port: 67 for a relay, 68 for a client
 * @param mac destination MAC
 */
public record ReplyDestination(Kind kind, Ipv4Address ip, int port, MacAddress mac) {

  public static final int SERVER_PORT = 67;
  public static final int CLIENT_PORT = 68;

  /** The rule that picked the destination. */
  public enum Kind {
    /** 'giaddr' is set: to the relay's server port, which forwards it. */
    RELAY,
    /** 'ciaddr' is set: the client has a working address, unicast to it. */
    CLIENT_ADDRESS,
    /** Broadcast flag set, a NAK, or no address to unicast to: 255.255.255.255 and ff:ff:... */
    BROADCAST,
    /**
     * Unicast to 'yiaddr' at 'chaddr': the client cannot answer ARP yet, so the frame is sent to
     * its hardware address directly.
     */
    CLIENT_HARDWARE
  }

  /**
   * Applies RFC 2131 §4.1.
   *
   * @param request the client's message
   * @param reply the server's answer to it
   * @param requestSource the Ethernet source of the request: the relay's or the client's MAC
   */
  public static ReplyDestination of(
      DhcpMessage request, DhcpMessage reply, MacAddress requestSource) {
    if (!request.giaddr().isAny()) {
      return new ReplyDestination(Kind.RELAY, request.giaddr(), SERVER_PORT, requestSource);
    }
    boolean nak = reply.messageType().filter(t -> t == DhcpMessageType.NAK).isPresent();
    if (nak) {
      return broadcast();
    }
    if (!request.ciaddr().isAny()) {
      return new ReplyDestination(
          Kind.CLIENT_ADDRESS, request.ciaddr(), CLIENT_PORT, requestSource);
    }
    if (request.broadcastFlag() || reply.yiaddr().isAny() || reply.clientMac().isEmpty()) {
      return broadcast();
    }
    return new ReplyDestination(
        Kind.CLIENT_HARDWARE, reply.yiaddr(), CLIENT_PORT, reply.clientMac().orElseThrow());
  }

  private static ReplyDestination broadcast() {
    return new ReplyDestination(
        Kind.BROADCAST, Ipv4Address.BROADCAST, CLIENT_PORT, MacAddress.BROADCAST);
  }
}
