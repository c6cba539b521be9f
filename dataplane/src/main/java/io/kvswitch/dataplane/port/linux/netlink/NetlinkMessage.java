package io.kvswitch.dataplane.port.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of a netlink reply: its header fields and its payload (family header and attributes).
 *
 * @param payload a read-only view in host byte order, position 0
 */
record NetlinkMessage(int type, int flags, int sequence, ByteBuffer payload) {

  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;

  /**
   * Splits what one {@code recv} returned into its messages. A length that runs past the data or is
   * shorter than a header is malformed, and no half of it is returned.
   */
  static List<NetlinkMessage> split(ByteBuffer received) {
    ByteBuffer data = received.slice().order(ByteOrder.nativeOrder());
    List<NetlinkMessage> messages = new ArrayList<>();
    int offset = 0;
    while (data.limit() - offset >= NetlinkMessageBuilder.HEADER_LENGTH) {
      int length = data.getInt(offset);
      if (length < NetlinkMessageBuilder.HEADER_LENGTH || length > data.limit() - offset) {
        throw new NetlinkException(
            "malformed netlink reply: message of "
                + Integer.toUnsignedString(length)
                + " bytes at offset "
                + offset
                + " of "
                + data.limit(),
            0);
      }
      int type = data.getShort(offset + 4) & 0xffff;
      int flags = data.getShort(offset + 6) & 0xffff;
      int sequence = data.getInt(offset + 8);
      ByteBuffer payload =
          data.slice(
                  offset + NetlinkMessageBuilder.HEADER_LENGTH,
                  length - NetlinkMessageBuilder.HEADER_LENGTH)
              .asReadOnlyBuffer()
              .order(ByteOrder.nativeOrder());
      messages.add(new NetlinkMessage(type, flags, sequence, payload));
      offset += NetlinkMessageBuilder.align(length);
    }
    if (offset < data.limit()) {
      throw new NetlinkException(
          "malformed netlink reply: " + (data.limit() - offset) + " trailing bytes", 0);
    }
    return messages;
  }
}
