package io.kvswitch.dataplane.dhcp.codec;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;

/**
 * The BOOTP/DHCP wire format (RFC 2131 §2, RFC 2132 §2, RFC 3396): stateless, shared by the netty
 * handlers and by the Ethernet framing path.
 */
public final class DhcpWireFormat {

  /** The fixed BOOTP header, before the magic cookie. */
  public static final int HEADER_LENGTH = 236;

  /** RFC 2132 §2: the four octets 99.130.83.99 that start the options field. */
  public static final int MAGIC_COOKIE = 0x63825363;

  /** Header plus cookie: the smallest message that can carry DHCP options. */
  public static final int MIN_LENGTH = HEADER_LENGTH + 4;

  /**
   * Replies are padded to the BOOTP minimum (RFC 1542 §2.1): some relays and old clients drop
   * anything shorter.
   */
  public static final int MIN_REPLY_LENGTH = 300;

  private static final int SNAME_OFFSET = 44;
  private static final int SNAME_LENGTH = 64;
  private static final int FILE_OFFSET = 108;
  private static final int FILE_LENGTH = 128;

  private DhcpWireFormat() {}

  /**
   * Decodes the readable bytes of {@code in} without changing its reader index.
   *
   * @throws CorruptedFrameException when the bytes are not a well-formed DHCP message; the message
   *     says what is wrong
   */
  public static DhcpMessage decode(ByteBuf in) {
    int start = in.readerIndex();
    int length = in.readableBytes();
    if (length < MIN_LENGTH) {
      throw new CorruptedFrameException(
          "truncated DHCP message: " + length + " bytes, at least " + MIN_LENGTH + " needed");
    }
    int op = in.getUnsignedByte(start);
    if (op != DhcpMessage.BOOTREQUEST && op != DhcpMessage.BOOTREPLY) {
      throw new CorruptedFrameException("op " + op + " is neither BOOTREQUEST nor BOOTREPLY");
    }
    int htype = in.getUnsignedByte(start + 1);
    int hlen = in.getUnsignedByte(start + 2);
    if (hlen == 0 || hlen > 16 || (htype == DhcpMessage.HTYPE_ETHERNET && hlen != 6)) {
      throw new CorruptedFrameException("bad hlen " + hlen + " for htype " + htype);
    }
    if (in.getInt(start + HEADER_LENGTH) != MAGIC_COOKIE) {
      throw new CorruptedFrameException(
          "missing DHCP magic cookie (found 0x"
              + Integer.toHexString(in.getInt(start + HEADER_LENGTH))
              + ")");
    }
    byte[] chaddr = new byte[16];
    in.getBytes(start + 28, chaddr);

    DhcpOptions.Builder options = DhcpOptions.builder();
    int overload = readOptions(in, start + MIN_LENGTH, start + length, options, "options");
    boolean fileHoldsOptions = overload == 1 || overload == 3;
    boolean snameHoldsOptions = overload == 2 || overload == 3;
    // RFC 2131 §4.1: the options field first, then 'file', then 'sname'.
    if (fileHoldsOptions) {
      int from = start + FILE_OFFSET;
      readOptions(in, from, from + FILE_LENGTH, options, "file");
    }
    if (snameHoldsOptions) {
      int from = start + SNAME_OFFSET;
      readOptions(in, from, from + SNAME_LENGTH, options, "sname");
    }
    options.remove(DhcpOptionCodes.OVERLOAD);

    try {
      return DhcpMessage.builder()
          .op(op)
          .htype(htype)
          .hlen(hlen)
          .hops(in.getUnsignedByte(start + 3))
          .xid(in.getInt(start + 4))
          .secs(in.getUnsignedShort(start + 8))
          .flags(in.getUnsignedShort(start + 10))
          .ciaddr(new Ipv4Address(in.getInt(start + 12)))
          .yiaddr(new Ipv4Address(in.getInt(start + 16)))
          .siaddr(new Ipv4Address(in.getInt(start + 20)))
          .giaddr(new Ipv4Address(in.getInt(start + 24)))
          .ownChaddr(chaddr)
          .sname(snameHoldsOptions ? "" : text(in, start + SNAME_OFFSET, SNAME_LENGTH))
          .file(fileHoldsOptions ? "" : text(in, start + FILE_OFFSET, FILE_LENGTH))
          .options(options.build())
          .build();
    } catch (IllegalArgumentException e) {
      throw new CorruptedFrameException("garbled DHCP option: " + e.getMessage(), e);
    }
  }

  /**
   * Reads options from {@code [from, to)} into {@code options}.
   *
   * @return the value of option 52 when this area carried it, else 0
   */
  private static int readOptions(
      ByteBuf in, int from, int to, DhcpOptions.Builder options, String area) {
    int overload = 0;
    int i = from;
    while (i < to) {
      int code = in.getUnsignedByte(i++);
      if (code == DhcpOptionCodes.END) {
        return overload;
      }
      if (code == DhcpOptionCodes.PAD) {
        continue;
      }
      if (i >= to) {
        throw new CorruptedFrameException("option " + code + " in " + area + " has no length byte");
      }
      int length = in.getUnsignedByte(i++);
      if (i + length > to) {
        throw new CorruptedFrameException(
            "option "
                + code
                + " in "
                + area
                + " has length "
                + length
                + " but only "
                + (to - i)
                + " bytes remain");
      }
      byte[] value = new byte[length];
      in.getBytes(i, value);
      i += length;
      if (code == DhcpOptionCodes.OVERLOAD) {
        if (!area.equals("options") || length != 1 || value[0] < 1 || value[0] > 3) {
          throw new CorruptedFrameException(
              "option 52 (overload) is only valid once, in the options field, with value 1-3");
        }
        overload = value[0];
      } else {
        options.append(code, value);
      }
    }
    // A missing END is tolerated: several embedded clients omit it and the length is known.
    return overload;
  }

  private static String text(ByteBuf in, int from, int length) {
    int end = from;
    while (end < from + length && in.getByte(end) != 0) {
      end++;
    }
    return in.toString(from, end - from, StandardCharsets.ISO_8859_1);
  }

  /** The number of bytes {@link #encode} writes for {@code message}. */
  public static int encodedLength(DhcpMessage message) {
    int length = MIN_LENGTH + 1;
    DhcpOptions options = message.options();
    for (int i = 0; i < options.size(); i++) {
      int valueLength = options.valueAt(i).length;
      int parts = Math.max(1, (valueLength + 254) / 255);
      length += 2 * parts + valueLength;
    }
    return Math.max(length, message.op() == DhcpMessage.BOOTREPLY ? MIN_REPLY_LENGTH : 0);
  }

  /**
   * Writes {@code message} at the writer index of {@code out}. Values longer than 255 bytes are
   * split into several options of the same code (RFC 3396); overload is never used on output.
   */
  public static void encode(DhcpMessage message, ByteBuf out) {
    int start = out.writerIndex();
    out.writeByte(message.op());
    out.writeByte(message.htype());
    out.writeByte(message.hlen());
    out.writeByte(message.hops());
    out.writeInt(message.xid());
    out.writeShort(message.secs());
    out.writeShort(message.flags());
    out.writeInt(message.ciaddr().value());
    out.writeInt(message.yiaddr().value());
    out.writeInt(message.siaddr().value());
    out.writeInt(message.giaddr().value());
    out.writeBytes(message.chaddrArray());
    writeText(out, message.sname(), SNAME_LENGTH);
    writeText(out, message.file(), FILE_LENGTH);
    out.writeInt(MAGIC_COOKIE);
    DhcpOptions options = message.options();
    for (int i = 0; i < options.size(); i++) {
      int code = options.codeAt(i);
      byte[] value = options.valueAt(i);
      int offset = 0;
      do {
        int part = Math.min(255, value.length - offset);
        out.writeByte(code);
        out.writeByte(part);
        out.writeBytes(value, offset, part);
        offset += part;
      } while (offset < value.length);
    }
    out.writeByte(DhcpOptionCodes.END);
    if (message.op() == DhcpMessage.BOOTREPLY) {
      int written = out.writerIndex() - start;
      if (written < MIN_REPLY_LENGTH) {
        out.writeZero(MIN_REPLY_LENGTH - written);
      }
    }
  }

  private static void writeText(ByteBuf out, String text, int fieldLength) {
    if (text.isEmpty()) {
      out.writeZero(fieldLength);
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    out.writeBytes(bytes);
    out.writeZero(fieldLength - bytes.length);
  }
}
