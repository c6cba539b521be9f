package io.kvswitch.dataplane.dhcp.frame;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpWireFormat;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.OptionalInt;

/**
 * DHCP at layer 2: takes requests out of raw Ethernet frames from access ports and builds the reply
 * frames that go straight back into the port. The node has no IP address on the VLAN, so the server
 * writes the Ethernet, IPv4 and UDP headers itself, from the server identifier and a MAC of its
 * own. Stateless.
 */
public final class DhcpFrameCodec {

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_VLAN = 0x8100;
  private static final int ETHERNET_HEADER = 14;
  private static final int VLAN_TAG = 4;
  private static final int IPV4_HEADER = 20;
  private static final int UDP_HEADER = 8;
  private static final int PROTOCOL_UDP = 17;
  private static final int DEFAULT_TTL = 64;

  private DhcpFrameCodec() {}

  /**
   * Whether a frame is a UDP datagram to the DHCP server port, so the engine can hand it over.
   * Cheap and allocation-free: it looks at a few header bytes and never throws.
   */
  public static boolean isDhcpToServer(ByteBuf frame) {
    int start = frame.readerIndex();
    int length = frame.readableBytes();
    if (length < ETHERNET_HEADER + IPV4_HEADER + UDP_HEADER) {
      return false;
    }
    int l3 = start + ETHERNET_HEADER;
    int ethertype = frame.getUnsignedShort(start + 12);
    if (ethertype == ETHERTYPE_VLAN) {
      ethertype = frame.getUnsignedShort(start + 16);
      l3 += VLAN_TAG;
    }
    if (ethertype != ETHERTYPE_IPV4 || l3 + IPV4_HEADER > start + length) {
      return false;
    }
    int versionIhl = frame.getUnsignedByte(l3);
    int headerLength = (versionIhl & 0x0f) * 4;
    if (versionIhl >>> 4 != 4 || frame.getUnsignedByte(l3 + 9) != PROTOCOL_UDP) {
      return false;
    }
    int l4 = l3 + headerLength;
    return l4 + UDP_HEADER <= start + length
        && frame.getUnsignedShort(l4 + 2) == ReplyDestination.SERVER_PORT;
  }

  /**
   * Parses a frame that {@link #isDhcpToServer} accepted.
   *
   * @throws CorruptedFrameException when a header is truncated or inconsistent, a checksum is
   *     wrong, the datagram is a fragment, or the DHCP payload is malformed
   */
  public static DhcpFrame parse(ByteBuf frame) {
    int start = frame.readerIndex();
    int end = start + frame.readableBytes();
    if (end - start < ETHERNET_HEADER) {
      throw new CorruptedFrameException(
          "frame of " + (end - start) + " bytes has no Ethernet header");
    }
    MacAddress destinationMac = mac(frame, start);
    MacAddress sourceMac = mac(frame, start + 6);
    int ethertype = frame.getUnsignedShort(start + 12);
    int l3 = start + ETHERNET_HEADER;
    OptionalInt vlan = OptionalInt.empty();
    if (ethertype == ETHERTYPE_VLAN) {
      require(end - start >= ETHERNET_HEADER + VLAN_TAG, "truncated 802.1Q tag");
      vlan = OptionalInt.of(frame.getUnsignedShort(start + 14) & 0x0fff);
      ethertype = frame.getUnsignedShort(start + 16);
      l3 += VLAN_TAG;
    }
    require(
        ethertype == ETHERTYPE_IPV4,
        "ethertype 0x" + Integer.toHexString(ethertype) + " is not IPv4");
    require(end - l3 >= IPV4_HEADER, "truncated IPv4 header");
    int versionIhl = frame.getUnsignedByte(l3);
    int ipHeaderLength = (versionIhl & 0x0f) * 4;
    require(
        versionIhl >>> 4 == 4 && ipHeaderLength >= IPV4_HEADER,
        "bad IPv4 version or header length");
    int totalLength = frame.getUnsignedShort(l3 + 2);
    require(
        totalLength >= ipHeaderLength + UDP_HEADER && l3 + totalLength <= end,
        "IPv4 total length " + totalLength + " does not fit the frame");
    require((frame.getUnsignedShort(l3 + 6) & 0x3fff) == 0, "IPv4 fragments are not accepted");
    require(frame.getUnsignedByte(l3 + 9) == PROTOCOL_UDP, "not UDP");
    require(
        InternetChecksum.finish(InternetChecksum.add(0, frame, l3, ipHeaderLength)) == 0,
        "bad IPv4 header checksum");
    int sourceIp = frame.getInt(l3 + 12);
    int destinationIp = frame.getInt(l3 + 16);
    int l4 = l3 + ipHeaderLength;
    int udpLength = frame.getUnsignedShort(l4 + 4);
    require(
        udpLength >= UDP_HEADER && udpLength <= totalLength - ipHeaderLength,
        "UDP length " + udpLength + " does not fit the IPv4 datagram");
    if (frame.getUnsignedShort(l4 + 6) != 0) {
      long sum = InternetChecksum.pseudoHeader(sourceIp, destinationIp, udpLength);
      require(
          InternetChecksum.finish(InternetChecksum.add(sum, frame, l4, udpLength)) == 0,
          "bad UDP checksum");
    }
    DhcpMessage message =
        DhcpWireFormat.decode(frame.slice(l4 + UDP_HEADER, udpLength - UDP_HEADER));
    return new DhcpFrame(
        sourceMac,
        destinationMac,
        vlan,
        new Ipv4Address(sourceIp),
        new Ipv4Address(destinationIp),
        frame.getUnsignedShort(l4),
        message);
  }

  /**
   * Builds the Ethernet frame that carries a reply to {@code destination}.
   *
   * @param serverMac the Ethernet source the switch answers with
   * @param serverIp the IPv4 source, the server identifier
   * @return a new buffer the caller owns
   */
  public static ByteBuf build(
      ByteBufAllocator alloc,
      DhcpMessage reply,
      ReplyDestination destination,
      MacAddress serverMac,
      Ipv4Address serverIp) {
    return build(
        alloc,
        reply,
        serverMac,
        serverIp,
        ReplyDestination.SERVER_PORT,
        destination.mac(),
        destination.ip(),
        destination.port());
  }

  /** Builds an untagged Ethernet/IPv4/UDP frame around any DHCP message. */
  public static ByteBuf build(
      ByteBufAllocator alloc,
      DhcpMessage message,
      MacAddress sourceMac,
      Ipv4Address sourceIp,
      int sourcePort,
      MacAddress destinationMac,
      Ipv4Address destinationIp,
      int destinationPort) {
    int payload = DhcpWireFormat.encodedLength(message);
    int udpLength = UDP_HEADER + payload;
    int ipLength = IPV4_HEADER + udpLength;
    ByteBuf frame = alloc.buffer(ETHERNET_HEADER + ipLength);
    try {
      frame.writeBytes(destinationMac.toBytes());
      frame.writeBytes(sourceMac.toBytes());
      frame.writeShort(ETHERTYPE_IPV4);
      int l3 = frame.writerIndex();
      frame.writeByte(0x45);
      frame.writeByte(0x10); // DSCP: low delay, as other DHCP servers mark replies
      frame.writeShort(ipLength);
      frame.writeShort(0); // identification: never fragmented
      frame.writeShort(0x4000); // don't fragment
      frame.writeByte(DEFAULT_TTL);
      frame.writeByte(PROTOCOL_UDP);
      frame.writeShort(0);
      frame.writeInt(sourceIp.value());
      frame.writeInt(destinationIp.value());
      frame.setShort(
          l3 + 10, InternetChecksum.finish(InternetChecksum.add(0, frame, l3, IPV4_HEADER)));
      int l4 = frame.writerIndex();
      frame.writeShort(sourcePort);
      frame.writeShort(destinationPort);
      frame.writeShort(udpLength);
      frame.writeShort(0);
      DhcpWireFormat.encode(message, frame);
      long sum = InternetChecksum.pseudoHeader(sourceIp.value(), destinationIp.value(), udpLength);
      int checksum = InternetChecksum.finish(InternetChecksum.add(sum, frame, l4, udpLength));
      // RFC 768: a computed zero is sent as all ones; zero means "no checksum".
      frame.setShort(l4 + 6, checksum == 0 ? 0xffff : checksum);
      return frame;
    } catch (RuntimeException e) {
      frame.release();
      throw e;
    }
  }

  private static MacAddress mac(ByteBuf frame, int offset) {
    long value = 0;
    for (int i = 0; i < 6; i++) {
      value = (value << 8) | frame.getUnsignedByte(offset + i);
    }
    return new MacAddress(value);
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new CorruptedFrameException(problem);
    }
  }
}
