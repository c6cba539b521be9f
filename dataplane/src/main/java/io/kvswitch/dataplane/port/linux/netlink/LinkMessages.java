package io.kvswitch.dataplane.port.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The rtnetlink link requests the agent sends and the decoding of what comes back: pure functions
 * from arguments to bytes and from bytes to {@link Link} or {@link Acknowledgement}, tested without
 * a kernel. Numbers are from {@code linux/rtnetlink.h}, {@code linux/if_link.h} and {@code
 * linux/netlink.h}.
 */
final class LinkMessages {

  static final int RTM_NEWLINK = 16;
  static final int RTM_DELLINK = 17;
  static final int RTM_GETLINK = 18;
  static final int RTM_SETLINK = 19;

  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_EXCL = 0x200;
  static final int NLM_F_CREATE = 0x400;

  /** On an error message: the request was not echoed, only its header ({@code NETLINK_CAP_ACK}). */
  static final int NLM_F_CAPPED = 0x100;

  /** On an error message: extended-ack attributes follow ({@code NETLINK_EXT_ACK}). */
  static final int NLM_F_ACK_TLVS = 0x200;

  static final int IFLA_ADDRESS = 1;
  static final int IFLA_IFNAME = 3;
  static final int IFLA_MTU = 4;
  static final int IFLA_LINKINFO = 18;
  static final int IFLA_NET_NS_FD = 28;
  static final int IFLA_INFO_KIND = 1;
  static final int IFLA_INFO_DATA = 2;
  static final int VETH_INFO_PEER = 1;
  static final int NLMSGERR_ATTR_MSG = 1;

  static final int IFF_UP = 0x1;

  /** {@code struct ifinfomsg}. */
  static final int INTERFACE_INFO_LENGTH = 16;

  private static final int MAX_NAME = 15;
  private static final HexFormat MAC_FORMAT = HexFormat.ofDelimiter(":");

  private LinkMessages() {}

  /**
   * Creates a veth pair in one request: {@code hostName} in the socket's namespace, up, and its
   * peer in the namespace {@code peerNamespaceFd} refers to, with {@code peerMac}, down; both with
   * {@code mtu}. The kernel makes both or neither, and {@code NLM_F_EXCL} makes it refuse rather
   * than touch an interface that exists.
   *
   * <p>The peer cannot be brought up in this request: the kernel configures it before the pair is
   * linked, and a veth without its peer refuses to open ({@code ENOTCONN}). Bring it up afterwards
   * through a socket in its namespace ({@link #configure}).
   */
  static byte[] newVeth(
      int sequence,
      String hostName,
      String peerName,
      String peerMac,
      int mtu,
      int peerNamespaceFd) {
    return new NetlinkMessageBuilder(
            RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, sequence)
        .interfaceInfo(0, IFF_UP, IFF_UP)
        .attributeString(IFLA_IFNAME, checkName(hostName))
        .attributeInt(IFLA_MTU, mtu)
        .begin(IFLA_LINKINFO)
        .attributeString(IFLA_INFO_KIND, "veth")
        .begin(IFLA_INFO_DATA)
        .begin(VETH_INFO_PEER)
        // The peer's value is a struct ifinfomsg of its own followed by its attributes.
        .interfaceInfo(0, 0, 0)
        .attributeString(IFLA_IFNAME, checkName(peerName))
        .attribute(IFLA_ADDRESS, macBytes(peerMac))
        .attributeInt(IFLA_MTU, mtu)
        .attributeInt(IFLA_NET_NS_FD, peerNamespaceFd)
        .end()
        .end()
        .end()
        .build();
  }

  /**
   * Sets the MAC (when not null) and MTU (when positive) of the interface {@code name}, and brings
   * it up.
   */
  static byte[] configure(int sequence, String name, String mac, int mtu) {
    NetlinkMessageBuilder message =
        new NetlinkMessageBuilder(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, sequence)
            .interfaceInfo(0, IFF_UP, IFF_UP)
            .attributeString(IFLA_IFNAME, checkName(name));
    if (mac != null) {
      message.attribute(IFLA_ADDRESS, macBytes(mac));
    }
    if (mtu > 0) {
      message.attributeInt(IFLA_MTU, mtu);
    }
    return message.build();
  }

  /** Asks for one link by name; the answer is an {@code RTM_NEWLINK} message, then the ack. */
  static byte[] get(int sequence, String name) {
    return new NetlinkMessageBuilder(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, sequence)
        .interfaceInfo(0, 0, 0)
        .attributeString(IFLA_IFNAME, checkName(name))
        .build();
  }

  /** Deletes one link by name (for a veth, both ends go). */
  static byte[] delete(int sequence, String name) {
    return new NetlinkMessageBuilder(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, sequence)
        .interfaceInfo(0, 0, 0)
        .attributeString(IFLA_IFNAME, checkName(name))
        .build();
  }

  /**
   * The kernel's answer to a request with {@code NLM_F_ACK}.
   *
   * @param errno 0 for success, else the positive errno
   * @param detail the kernel's extended-ack text ("Unknown device type"), empty when it gave none
   */
  record Acknowledgement(int errno, String detail) {}

  /** Decodes an {@code NLMSG_ERROR} message: an ack (error 0) or a refusal. */
  static Acknowledgement acknowledgement(NetlinkMessage message) {
    ByteBuffer payload = message.payload();
    if (message.type() != NetlinkMessage.NLMSG_ERROR || payload.limit() < 4) {
      throw new NetlinkException("malformed netlink acknowledgement", 0);
    }
    int error = -payload.getInt(0);
    String detail = "";
    if ((message.flags() & NLM_F_ACK_TLVS) != 0 && payload.limit() >= 4 + 16) {
      // After the error: the request's header, and its payload too unless the ack is capped.
      int echoed =
          (message.flags() & NLM_F_CAPPED) != 0
              ? NetlinkMessageBuilder.HEADER_LENGTH
              : NetlinkMessageBuilder.align(payload.getInt(4));
      int attributes = 4 + echoed;
      if (attributes <= payload.limit()) {
        detail =
            findAttribute(
                    payload.slice(attributes, payload.limit() - attributes), NLMSGERR_ATTR_MSG)
                .map(LinkMessages::string)
                .orElse("");
      }
    }
    return new Acknowledgement(error, detail);
  }

  /** Decodes an {@code RTM_NEWLINK} message (the answer to {@link #get}). */
  static Link link(NetlinkMessage message) {
    ByteBuffer payload = message.payload();
    if (message.type() != RTM_NEWLINK || payload.limit() < INTERFACE_INFO_LENGTH) {
      throw new NetlinkException("malformed link message (type " + message.type() + ")", 0);
    }
    int index = payload.getInt(4);
    int flags = payload.getInt(8);
    ByteBuffer attributes =
        payload.slice(INTERFACE_INFO_LENGTH, payload.limit() - INTERFACE_INFO_LENGTH);
    String name = findAttribute(attributes, IFLA_IFNAME).map(LinkMessages::string).orElse("");
    String mac = findAttribute(attributes, IFLA_ADDRESS).map(LinkMessages::formatMac).orElse("");
    int mtu = findAttribute(attributes, IFLA_MTU).map(v -> v.getInt(0)).orElse(0);
    Optional<String> kind =
        findAttribute(attributes, IFLA_LINKINFO)
            .flatMap(info -> findAttribute(info, IFLA_INFO_KIND))
            .map(LinkMessages::string);
    return new Link(index, name, mac, mtu, (flags & IFF_UP) != 0, kind);
  }

  /**
   * The value of the first attribute of {@code type} in a run of attributes. A length that runs
   * past the end is malformed; the nested flag bits of the type are ignored.
   */
  static Optional<ByteBuffer> findAttribute(ByteBuffer attributes, int type) {
    ByteBuffer data = attributes.slice().order(ByteOrder.nativeOrder());
    int offset = 0;
    while (data.limit() - offset >= NetlinkMessageBuilder.ATTRIBUTE_HEADER_LENGTH) {
      int length = data.getShort(offset) & 0xffff;
      int attributeType = data.getShort(offset + 2) & 0x3fff;
      if (length < NetlinkMessageBuilder.ATTRIBUTE_HEADER_LENGTH
          || length > data.limit() - offset) {
        throw new NetlinkException(
            "malformed netlink attribute: length " + length + " at offset " + offset, 0);
      }
      if (attributeType == type) {
        return Optional.of(
            data.slice(
                    offset + NetlinkMessageBuilder.ATTRIBUTE_HEADER_LENGTH,
                    length - NetlinkMessageBuilder.ATTRIBUTE_HEADER_LENGTH)
                .order(ByteOrder.nativeOrder()));
      }
      offset += NetlinkMessageBuilder.align(length);
    }
    return Optional.empty();
  }

  /** {@code 02:00:5e:10:00:01} as six bytes; anything else is refused. */
  static byte[] macBytes(String mac) {
    byte[] bytes;
    try {
      bytes = MAC_FORMAT.parseHex(mac);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + mac + "' is not a MAC address", e);
    }
    if (bytes.length != 6) {
      throw new IllegalArgumentException("'" + mac + "' is not a MAC address");
    }
    return bytes;
  }

  private static String formatMac(ByteBuffer value) {
    byte[] bytes = new byte[value.remaining()];
    value.duplicate().get(bytes);
    return MAC_FORMAT.formatHex(bytes).toLowerCase(Locale.ROOT);
  }

  /** A NUL-terminated (or not) string value. */
  private static String string(ByteBuffer value) {
    byte[] bytes = new byte[value.remaining()];
    value.duplicate().get(bytes);
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static String checkName(String name) {
    if (name == null
        || name.isEmpty()
        || name.length() > MAX_NAME
        || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)
        || name.contains("/")
        || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "'" + name + "' is not an interface name (1 to " + MAX_NAME + " characters)");
    }
    return name;
  }
}
