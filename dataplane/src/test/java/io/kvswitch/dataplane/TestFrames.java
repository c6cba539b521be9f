package io.kvswitch.dataplane;

import io.kvswitch.dataplane.frame.MacAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/** Builds Ethernet frames for tests. */
public final class TestFrames {

  private TestFrames() {}

  /** An untagged frame with an IPv4 EtherType and {@code payload} bytes 0, 1, 2, ... */
  public static byte[] untagged(String destination, String source, int payload) {
    ByteBuffer frame = ByteBuffer.allocate(14 + payload);
    putMac(frame, destination);
    putMac(frame, source);
    frame.putShort((short) 0x0800);
    putPayload(frame, payload);
    return frame.array();
  }

  /** A frame with an 802.1Q tag of {@code vid} (PCP {@code pcp}), then IPv4 and the payload. */
  public static byte[] tagged(String destination, String source, int pcp, int vid, int payload) {
    ByteBuffer frame = ByteBuffer.allocate(18 + payload);
    putMac(frame, destination);
    putMac(frame, source);
    frame.putShort((short) 0x8100);
    frame.putShort((short) ((pcp << 13) | vid));
    frame.putShort((short) 0x0800);
    putPayload(frame, payload);
    return frame.array();
  }

  public static byte[] tagged(String destination, String source, int vid, int payload) {
    return tagged(destination, source, 0, vid, payload);
  }

  /**
   * An untagged IPv4 frame carrying {@code protocol} from {@code sourceIp}:{@code sourcePort} to
   * {@code destinationIp}:{@code destinationPort}; the ports are written for every protocol (ICMP
   * gets them as its type/code and checksum), followed by {@code payload} bytes.
   */
  public static byte[] ipv4(
      String destination,
      String source,
      int protocol,
      String sourceIp,
      String destinationIp,
      int sourcePort,
      int destinationPort,
      int payload) {
    ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 8 + payload);
    putMac(frame, destination);
    putMac(frame, source);
    frame.putShort((short) 0x0800);
    frame.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload));
    frame.putShort((short) 0).putShort((short) 0);
    frame.put((byte) 64).put((byte) protocol).putShort((short) 0);
    putIp(frame, sourceIp);
    putIp(frame, destinationIp);
    frame.putShort((short) sourcePort).putShort((short) destinationPort).putInt(0);
    putPayload(frame, payload);
    return frame.array();
  }

  private static void putIp(ByteBuffer frame, String ip) {
    for (String part : ip.split("\\.")) {
      frame.put((byte) Integer.parseInt(part));
    }
  }

  /** Copies a frame into fresh native memory at {@code offset}. */
  public static MemorySegment inNativeMemory(byte[] frame, long offset) {
    MemorySegment segment = Arena.ofAuto().allocate(frame.length + offset + 8);
    MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, offset, frame.length);
    return segment;
  }

  private static void putMac(ByteBuffer frame, String mac) {
    long value = MacAddress.parse(mac);
    for (int shift = 40; shift >= 0; shift -= 8) {
      frame.put((byte) (value >>> shift));
    }
  }

  private static void putPayload(ByteBuffer frame, int payload) {
    for (int i = 0; i < payload; i++) {
      frame.put((byte) i);
    }
  }
}
