package io.kvswitch.dataplane.port.linux;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/** Builds Ethernet frames byte by byte, for tests to send and to expect. */
final class TestFrames {

  static final byte[] BROADCAST = mac("ff:ff:ff:ff:ff:ff");

  /** IEEE "local experimental" EtherType: no stack on the path reacts to it. */
  static final int EXPERIMENTAL = 0x88b5;

  private TestFrames() {}

  static byte[] mac(String text) {
    return HexFormat.ofDelimiter(":").parseHex(text);
  }

  static byte[] ipv4(String text) {
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** dst, src, EtherType, then {@code payload}. */
  static byte[] ethernet(byte[] dst, byte[] src, int etherType, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(dst);
    out.writeBytes(src);
    out.write(etherType >> 8);
    out.write(etherType);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** dst, src, an 802.1Q tag with {@code vlanId}, the inner EtherType, then {@code payload}. */
  static byte[] tagged(byte[] dst, byte[] src, int vlanId, int etherType, byte[] payload) {
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    inner.write(vlanId >> 8);
    inner.write(vlanId);
    inner.write(etherType >> 8);
    inner.write(etherType);
    inner.writeBytes(payload);
    return ethernet(dst, src, 0x8100, inner.toByteArray());
  }

  /** An Ethernet frame of {@code length} bytes with EtherType {@link #EXPERIMENTAL}, numbered. */
  static byte[] numbered(byte[] dst, byte[] src, int number, int length) {
    byte[] payload = new byte[length - 14];
    payload[0] = (byte) (number >> 24);
    payload[1] = (byte) (number >> 16);
    payload[2] = (byte) (number >> 8);
    payload[3] = (byte) number;
    for (int i = 4; i < payload.length; i++) {
      payload[i] = (byte) (i * 7 + number);
    }
    return ethernet(dst, src, EXPERIMENTAL, payload);
  }

  /** An ARP request (RFC 826) for Ethernet and IPv4, as a whole broadcast frame. */
  static byte[] arpRequest(byte[] senderMac, String senderIp, byte[] targetMac, String targetIp) {
    ByteArrayOutputStream arp = new ByteArrayOutputStream();
    arp.writeBytes(new byte[] {0, 1, 8, 0, 6, 4, 0, 1});
    arp.writeBytes(senderMac);
    arp.writeBytes(ipv4(senderIp));
    arp.writeBytes(targetMac);
    arp.writeBytes(ipv4(targetIp));
    return ethernet(BROADCAST, senderMac, 0x0806, arp.toByteArray());
  }

  static String hex(byte[] frame) {
    return HexFormat.of().formatHex(frame);
  }
}
