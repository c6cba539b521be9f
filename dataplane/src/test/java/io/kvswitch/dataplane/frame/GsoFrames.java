package io.kvswitch.dataplane.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * TCP GSO frames as a Linux stack with TSO hands them to a port with offload headers (TCP checksum
 * field holding only the pseudo-header sum), and an independent, byte-by-byte reading of the
 * segments cut from them. Frames go from 02:00:00:00:00:0a to 02:00:00:00:00:0b, 10.0.0.1:40000 to
 * 10.0.0.2:5201 (fd00::1 to fd00::2 for IPv6), sequence 1000, IP id 7.
 */
public final class GsoFrames {

  public static final int SEQUENCE = 1000;
  public static final int IP_ID = 7;
  public static final int TCP_ACK = 0x10;
  public static final int TCP_PSH = 0x08;
  public static final int TCP_FIN = 0x01;
  public static final int TCP_CWR = 0x80;

  private GsoFrames() {}

  /** A frame and the virtio_net_hdr that goes with it. */
  public record Offloaded(byte[] header, byte[] frame) {

    /** The header followed by the frame, as ports with offload headers deliver them. */
    public byte[] headerAndFrame() {
      byte[] both = new byte[header.length + frame.length];
      System.arraycopy(header, 0, both, 0, header.length);
      System.arraycopy(frame, 0, both, header.length, frame.length);
      return both;
    }
  }

  /**
   * A GSO frame of {@code payload} bytes (byte {@code i} is {@code i * 7 + 3}) to cut into {@code
   * gsoSize} pieces.
   *
   * @param vid the 802.1Q tag to carry, or -1 for none
   * @param tcpFlags the TCP flags of the whole frame
   */
  public static Offloaded tcp(boolean ipv6, int vid, int payload, int gsoSize, int tcpFlags) {
    int l2 = vid >= 0 ? 18 : 14;
    int ipLength = ipv6 ? 40 : 20;
    int tcpLength = 32; // with the timestamp option, as Linux sends
    int headers = l2 + ipLength + tcpLength;
    ByteBuffer frame = ByteBuffer.allocate(headers + payload);
    frame.put(new byte[] {2, 0, 0, 0, 0, 0x0b}).put(new byte[] {2, 0, 0, 0, 0, 0x0a});
    if (vid >= 0) {
      frame.putShort((short) 0x8100).putShort((short) vid);
    }
    if (ipv6) {
      frame.putShort((short) 0x86dd);
      frame.putInt(0x6000_0000).putShort((short) (tcpLength + payload)).put((byte) 6);
      frame.put((byte) 64);
      frame.put(ipv6Address(1)).put(ipv6Address(2));
    } else {
      frame.putShort((short) 0x0800);
      frame.put((byte) 0x45).put((byte) 0).putShort((short) (ipLength + tcpLength + payload));
      frame.putShort((short) IP_ID).putShort((short) 0x4000).put((byte) 64).put((byte) 6);
      frame.putShort((short) 0);
      frame.put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
    }
    frame.putShort((short) 40000).putShort((short) 5201).putInt(SEQUENCE).putInt(2000);
    frame.put((byte) 0x80).put((byte) tcpFlags).putShort((short) 502).putShort((short) 0);
    frame.putShort((short) 0);
    frame.put(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2});
    for (int i = 0; i < payload; i++) {
      frame.put((byte) (i * 7 + 3));
    }
    byte[] bytes = frame.array();
    int tcpStart = l2 + ipLength;
    // The pseudo-header sum over the whole frame's length, as Linux leaves it for the hardware.
    long pseudo = pseudoHeaderSum(bytes, l2, ipv6, bytes.length - tcpStart);
    int partial = fold(pseudo);
    bytes[tcpStart + 16] = (byte) (partial >> 8);
    bytes[tcpStart + 17] = (byte) partial;
    ByteBuffer header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    header.put((byte) 1).put((byte) (ipv6 ? 4 : 1)).putShort((short) headers);
    header.putShort((short) gsoSize).putShort((short) tcpStart).putShort((short) 16);
    return new Offloaded(header.array(), bytes);
  }

  private static byte[] ipv6Address(int last) {
    byte[] address = new byte[16];
    address[0] = (byte) 0xfd;
    address[15] = (byte) last;
    return address;
  }

  /** The payload bytes of a frame {@link #tcp} made, from byte {@code from} on. */
  public static byte payloadByte(int index) {
    return (byte) (index * 7 + 3);
  }

  /** One untagged segment read byte by byte. */
  public record Segment(
      boolean ipv6,
      int ipTotalLength,
      int ipId,
      boolean ipChecksumValid,
      long sequence,
      int tcpFlags,
      boolean tcpChecksumValid,
      byte[] payload) {}

  /** Reads an untagged TCP segment, checking its checksums with a plain word-by-word sum. */
  public static Segment read(byte[] frame) {
    boolean ipv6 = ((frame[12] & 0xff) << 8 | (frame[13] & 0xff)) == 0x86dd;
    int ip = 14;
    int tcp;
    int ipTotal;
    int id = 0;
    boolean ipValid = true;
    if (ipv6) {
      tcp = ip + 40;
      ipTotal = 40 + u16(frame, ip + 4);
    } else {
      tcp = ip + (frame[ip] & 0x0f) * 4;
      ipTotal = u16(frame, ip + 2);
      id = u16(frame, ip + 4);
      ipValid = fold(sumWords(frame, ip, tcp - ip)) == 0xffff;
    }
    int tcpLength = frame.length - tcp;
    long sum = pseudoHeaderSum(frame, 14, ipv6, tcpLength) + sumWords(frame, tcp, tcpLength);
    int dataOffset = ((frame[tcp + 12] & 0xf0) >> 4) * 4;
    byte[] payload = new byte[frame.length - tcp - dataOffset];
    System.arraycopy(frame, tcp + dataOffset, payload, 0, payload.length);
    return new Segment(
        ipv6,
        ipTotal,
        id,
        ipValid,
        u32(frame, tcp + 4),
        frame[tcp + 13] & 0xff,
        fold(sum) == 0xffff,
        payload);
  }

  private static long pseudoHeaderSum(byte[] frame, int ip, boolean ipv6, int tcpLength) {
    long sum = ipv6 ? sumWords(frame, ip + 8, 32) : sumWords(frame, ip + 12, 8);
    return sum + 6 + tcpLength;
  }

  /** Word by word, the textbook way: no wide reads, nothing shared with the code under test. */
  public static long sumWords(byte[] bytes, int from, int length) {
    long sum = 0;
    for (int i = from; i < from + length; i += 2) {
      int high = bytes[i] & 0xff;
      int low = i + 1 < from + length ? bytes[i + 1] & 0xff : 0;
      sum += (high << 8) | low;
    }
    return sum;
  }

  public static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) sum;
  }

  private static int u16(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
  }

  private static long u32(byte[] bytes, int at) {
    return ((long) u16(bytes, at) << 16) | u16(bytes, at + 2);
  }
}
