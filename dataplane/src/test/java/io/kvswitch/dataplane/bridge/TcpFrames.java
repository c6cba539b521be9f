package io.kvswitch.dataplane.bridge;

import java.nio.ByteBuffer;

/**
 * IPv4 TCP frames as a Linux stack hands them to a port with offload headers: the TCP checksum
 * field holds only the pseudo-header sum, and the header says where the rest goes.
 */
final class TcpFrames {

  static final int IP_START = 14;
  static final int TCP_START = IP_START + 20;
  static final int HEADERS = TCP_START + 20;

  private TcpFrames() {}

  /** An untagged TCP frame from 10.0.0.1:40000 to 10.0.0.2:5201 with {@code payload} bytes. */
  static byte[] frame(String destination, String source, int payload, boolean partialChecksum) {
    ByteBuffer frame = ByteBuffer.allocate(HEADERS + payload);
    frame.put(mac(destination)).put(mac(source)).putShort((short) 0x0800);
    int ipLength = 20 + 20 + payload;
    frame.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 7);
    frame.putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0);
    frame.put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
    frame.putShort((short) 40000).putShort((short) 5201).putInt(1000).putInt(2000);
    frame.put((byte) 0x50).put((byte) 0x18).putShort((short) 502).putShort((short) 0);
    frame.putShort((short) 0);
    for (int i = 0; i < payload; i++) {
      frame.put((byte) (i * 7 + 3));
    }
    byte[] bytes = frame.array();
    int pseudo = pseudoHeaderSum(bytes, 20 + payload);
    int check = partialChecksum ? fold(pseudo) : fullChecksum(bytes);
    bytes[TCP_START + 16] = (byte) (check >> 8);
    bytes[TCP_START + 17] = (byte) check;
    return bytes;
  }

  /** The TCP checksum of an untagged frame, computed from scratch. */
  static int fullChecksum(byte[] frame) {
    int tcpLength = frame.length - TCP_START;
    long sum = pseudoHeaderSum(frame, tcpLength);
    for (int i = TCP_START; i < frame.length; i += 2) {
      if (i == TCP_START + 16) {
        continue;
      }
      int high = frame[i] & 0xff;
      int low = i + 1 < frame.length ? frame[i + 1] & 0xff : 0;
      sum += (high << 8) | low;
    }
    int result = ~fold(sum) & 0xffff;
    return result == 0 ? 0xffff : result;
  }

  private static int pseudoHeaderSum(byte[] frame, int tcpLength) {
    long sum = 0;
    for (int i = IP_START + 12; i < IP_START + 20; i += 2) {
      sum += ((frame[i] & 0xff) << 8) | (frame[i + 1] & 0xff);
    }
    sum += 6 + tcpLength;
    return fold(sum);
  }

  private static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) sum;
  }

  private static byte[] mac(String text) {
    String[] parts = text.split(":");
    byte[] mac = new byte[6];
    for (int i = 0; i < 6; i++) {
      mac[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return mac;
  }
}
