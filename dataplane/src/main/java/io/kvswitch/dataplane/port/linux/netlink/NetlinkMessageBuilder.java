package io.kvswitch.dataplane.port.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Writes one netlink request: {@code struct nlmsghdr}, a fixed family header, then {@code struct
 * rtattr} attributes, possibly nested. Lengths are filled in when a message or nest is finished,
 * every part is padded to 4 bytes as the kernel expects, and numbers are in the host's byte order.
 * Pure: no native calls, so requests can be checked byte by byte in unit tests.
 */
final class NetlinkMessageBuilder {

  static final int HEADER_LENGTH = 16;
  static final int ATTRIBUTE_HEADER_LENGTH = 4;

  private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
  private final Deque<Integer> openNests = new ArrayDeque<>();

  NetlinkMessageBuilder(int type, int flags, int sequence) {
    buffer.putInt(0); // nlmsg_len, set by build()
    buffer.putShort((short) type);
    buffer.putShort((short) flags);
    buffer.putInt(sequence);
    buffer.putInt(0); // nlmsg_pid: the kernel is the destination
  }

  /** {@code struct ifinfomsg}: family, type, index, flags and the mask of flags to change. */
  NetlinkMessageBuilder interfaceInfo(int index, int flags, int change) {
    ensure(16);
    buffer.put((byte) 0); // AF_UNSPEC
    buffer.put((byte) 0);
    buffer.putShort((short) 0); // ARPHRD type, chosen by the kernel
    buffer.putInt(index);
    buffer.putInt(flags);
    buffer.putInt(change);
    return this;
  }

  NetlinkMessageBuilder attribute(int type, byte[] value) {
    int length = ATTRIBUTE_HEADER_LENGTH + value.length;
    if (length > 0xffff) {
      throw new IllegalArgumentException("attribute " + type + " is too long: " + value.length);
    }
    ensure(align(length));
    buffer.putShort((short) length);
    buffer.putShort((short) type);
    buffer.put(value);
    pad();
    return this;
  }

  NetlinkMessageBuilder attributeInt(int type, int value) {
    byte[] bytes = new byte[4];
    ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putInt(value);
    return attribute(type, bytes);
  }

  /** A NUL-terminated string, as the kernel wants names and kinds. */
  NetlinkMessageBuilder attributeString(int type, String value) {
    byte[] text = value.getBytes(StandardCharsets.US_ASCII);
    return attribute(type, Arrays.copyOf(text, text.length + 1));
  }

  /** Opens an attribute whose value is the attributes (and headers) written until {@link #end}. */
  NetlinkMessageBuilder begin(int type) {
    ensure(ATTRIBUTE_HEADER_LENGTH);
    openNests.push(buffer.position());
    buffer.putShort((short) 0);
    buffer.putShort((short) type);
    return this;
  }

  NetlinkMessageBuilder end() {
    if (openNests.isEmpty()) {
      throw new IllegalStateException("no nested attribute is open");
    }
    int start = openNests.pop();
    int length = buffer.position() - start;
    if (length > 0xffff) {
      throw new IllegalArgumentException("nested attribute is too long: " + length);
    }
    buffer.putShort(start, (short) length);
    return this;
  }

  byte[] build() {
    if (!openNests.isEmpty()) {
      throw new IllegalStateException(openNests.size() + " nested attribute(s) left open");
    }
    buffer.putInt(0, buffer.position());
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  static int align(int length) {
    return (length + 3) & ~3;
  }

  private void pad() {
    while ((buffer.position() & 3) != 0) {
      buffer.put((byte) 0);
    }
  }

  private void ensure(int more) {
    if (buffer.remaining() < more) {
      ByteBuffer bigger =
          ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more))
              .order(ByteOrder.nativeOrder());
      bigger.put(buffer.array(), 0, buffer.position());
      buffer = bigger;
    }
  }
}
