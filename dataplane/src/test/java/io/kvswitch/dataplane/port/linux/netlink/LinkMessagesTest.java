package io.kvswitch.dataplane.port.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkMessagesTest {

  @Test
  void deleteIsHeaderInterfaceInfoAndPaddedName() {
    byte[] message = LinkMessages.delete(7, "kvs1");

    ByteBuffer expected = ByteBuffer.allocate(44).order(ByteOrder.nativeOrder());
    expected.putInt(44).putShort((short) 17).putShort((short) (0x1 | 0x4)).putInt(7).putInt(0);
    expected.put(new byte[16]); // ifinfomsg: unspecified family, index 0, no flags
    expected
        .putShort((short) 9)
        .putShort((short) 3)
        .put("kvs1".getBytes(StandardCharsets.US_ASCII));
    expected.put(new byte[4]); // NUL and three bytes of padding
    assertThat(message).isEqualTo(expected.array());
  }

  @Test
  void getAsksForOneLinkByNameWithAck() {
    byte[] message = LinkMessages.get(3, "eth0");
    NetlinkMessage parsed = only(message);

    assertThat(parsed.type()).isEqualTo(LinkMessages.RTM_GETLINK);
    assertThat(parsed.flags()).isEqualTo(LinkMessages.NLM_F_REQUEST | LinkMessages.NLM_F_ACK);
    assertThat(parsed.sequence()).isEqualTo(3);
    assertThat(string(attribute(interfaceAttributes(parsed), LinkMessages.IFLA_IFNAME)))
        .isEqualTo("eth0");
  }

  @Test
  void vethCarriesHostUpAndPeerInTheNamespaceByDescriptor() {
    byte[] message =
        LinkMessages.newVeth(42, "kvs0123456789ab", "net1", "02:AB:cd:00:00:01", 9000, 37);
    NetlinkMessage parsed = only(message);

    // 16 header + 16 ifinfomsg + name 20 + mtu 8 + linkinfo (4 + kind 12 + data (4 + peer (4 + 16
    // ifinfomsg + name 12 + address 12 + mtu 8 + netns fd 8)))
    assertThat(message).hasSize(140);
    assertThat(ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).getInt(0)).isEqualTo(140);
    assertThat(parsed.type()).isEqualTo(LinkMessages.RTM_NEWLINK);
    assertThat(parsed.flags())
        .isEqualTo(
            LinkMessages.NLM_F_REQUEST
                | LinkMessages.NLM_F_ACK
                | LinkMessages.NLM_F_CREATE
                | LinkMessages.NLM_F_EXCL);
    assertThat(parsed.sequence()).isEqualTo(42);
    assertThat(parsed.payload().getInt(8)).as("ifi_flags").isEqualTo(LinkMessages.IFF_UP);
    assertThat(parsed.payload().getInt(12)).as("ifi_change").isEqualTo(LinkMessages.IFF_UP);

    ByteBuffer host = interfaceAttributes(parsed);
    assertThat(string(attribute(host, LinkMessages.IFLA_IFNAME))).isEqualTo("kvs0123456789ab");
    assertThat(attribute(host, LinkMessages.IFLA_MTU).getInt(0)).isEqualTo(9000);
    assertThat(LinkMessages.findAttribute(host, LinkMessages.IFLA_ADDRESS))
        .as("the host end keeps a MAC of the kernel's choosing")
        .isEmpty();
    assertThat(LinkMessages.findAttribute(host, LinkMessages.IFLA_NET_NS_FD)).isEmpty();

    ByteBuffer linkInfo = attribute(host, LinkMessages.IFLA_LINKINFO);
    assertThat(string(attribute(linkInfo, LinkMessages.IFLA_INFO_KIND))).isEqualTo("veth");
    ByteBuffer peerValue =
        attribute(attribute(linkInfo, LinkMessages.IFLA_INFO_DATA), LinkMessages.VETH_INFO_PEER);
    assertThat(peerValue.getInt(8)).as("peer ifi_flags: up only once linked").isZero();
    ByteBuffer peer = peerValue.slice(16, peerValue.limit() - 16).order(ByteOrder.nativeOrder());
    assertThat(string(attribute(peer, LinkMessages.IFLA_IFNAME))).isEqualTo("net1");
    assertThat(bytes(attribute(peer, LinkMessages.IFLA_ADDRESS)))
        .containsExactly(0x02, 0xab, 0xcd, 0x00, 0x00, 0x01);
    assertThat(attribute(peer, LinkMessages.IFLA_MTU).getInt(0)).isEqualTo(9000);
    assertThat(attribute(peer, LinkMessages.IFLA_NET_NS_FD).getInt(0)).isEqualTo(37);
  }

  @Test
  void configureSetsOnlyWhatIsGivenAndBringsTheLinkUp() {
    NetlinkMessage full = only(LinkMessages.configure(1, "tap0", "02:00:00:00:00:09", 1400));
    NetlinkMessage upOnly = only(LinkMessages.configure(2, "tap0", null, 0));

    assertThat(full.type()).isEqualTo(LinkMessages.RTM_SETLINK);
    assertThat(full.payload().getInt(8) & LinkMessages.IFF_UP).isEqualTo(LinkMessages.IFF_UP);
    ByteBuffer attributes = interfaceAttributes(full);
    assertThat(bytes(attribute(attributes, LinkMessages.IFLA_ADDRESS)))
        .containsExactly(0x02, 0, 0, 0, 0, 0x09);
    assertThat(attribute(attributes, LinkMessages.IFLA_MTU).getInt(0)).isEqualTo(1400);
    ByteBuffer bare = interfaceAttributes(upOnly);
    assertThat(LinkMessages.findAttribute(bare, LinkMessages.IFLA_ADDRESS)).isEmpty();
    assertThat(LinkMessages.findAttribute(bare, LinkMessages.IFLA_MTU)).isEmpty();
    assertThat(upOnly.payload().getInt(12)).as("ifi_change").isEqualTo(LinkMessages.IFF_UP);
  }

  @Test
  void badNamesAndMacsAreRefusedBeforeAnythingIsSent() {
    assertThatThrownBy(() -> LinkMessages.delete(1, "a-name-of-16-chr"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an interface name");
    assertThatThrownBy(() -> LinkMessages.get(1, "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinkMessages.get(1, "a/b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinkMessages.get(1, "a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LinkMessages.newVeth(1, "kvs1", "net1", "02:00:00:00:00", 1500, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'02:00:00:00:00' is not a MAC address");
    assertThatThrownBy(() -> LinkMessages.configure(1, "tap0", "zz:00:00:00:00:01", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a MAC address");
  }

  @Test
  void ackWithErrorZeroIsSuccess() {
    NetlinkMessage ack = only(error(5, 0, 0, null));

    assertThat(LinkMessages.acknowledgement(ack))
        .isEqualTo(new LinkMessages.Acknowledgement(0, ""));
  }

  @Test
  void refusalCarriesErrnoAndTheKernelsExtendedAckText() {
    NetlinkMessage refusal =
        only(
            error(
                5,
                -Errno.EEXIST,
                LinkMessages.NLM_F_CAPPED | LinkMessages.NLM_F_ACK_TLVS,
                "Device name already in use"));

    assertThat(LinkMessages.acknowledgement(refusal))
        .isEqualTo(new LinkMessages.Acknowledgement(Errno.EEXIST, "Device name already in use"));
  }

  @Test
  void refusalWithoutExtendedAckHasNoDetail() {
    NetlinkMessage refusal = only(error(5, -Errno.ENODEV, LinkMessages.NLM_F_CAPPED, null));

    assertThat(LinkMessages.acknowledgement(refusal))
        .isEqualTo(new LinkMessages.Acknowledgement(Errno.ENODEV, ""));
  }

  @Test
  void uncappedRefusalSkipsTheEchoedRequestToFindTheText() {
    byte[] request = LinkMessages.delete(9, "kvs1");
    ByteBuffer payload =
        ByteBuffer.allocate(4 + request.length + 16).order(ByteOrder.nativeOrder());
    payload.putInt(-Errno.EPERM).put(request);
    payload.putShort((short) 12).putShort((short) LinkMessages.NLMSGERR_ATTR_MSG);
    payload.put("no way\0\0".getBytes(StandardCharsets.US_ASCII));
    byte[] message =
        message(NetlinkMessage.NLMSG_ERROR, LinkMessages.NLM_F_ACK_TLVS, 9, payload.array());

    assertThat(LinkMessages.acknowledgement(only(message)))
        .isEqualTo(new LinkMessages.Acknowledgement(Errno.EPERM, "no way"));
  }

  @Test
  void linkAnswerDecodesNameMacMtuStateAndKind() {
    byte[] answer =
        new NetlinkMessageBuilder(LinkMessages.RTM_NEWLINK, 0, 4)
            .interfaceInfo(12, LinkMessages.IFF_UP | 0x1000, 0)
            .attributeString(LinkMessages.IFLA_IFNAME, "net1")
            .attributeInt(LinkMessages.IFLA_MTU, 1450)
            .attribute(99, new byte[] {1, 2, 3}) // unknown attributes are passed over
            .attribute(LinkMessages.IFLA_ADDRESS, new byte[] {2, 0, 0x5e, 0x10, 0, (byte) 0xfe})
            .begin(LinkMessages.IFLA_LINKINFO | 0x8000) // NLA_F_NESTED, as newer kernels send it
            .attributeString(LinkMessages.IFLA_INFO_KIND, "veth")
            .end()
            .build();

    assertThat(LinkMessages.link(only(answer)))
        .isEqualTo(new Link(12, "net1", "02:00:5e:10:00:fe", 1450, true, Optional.of("veth")));
  }

  @Test
  void linkDownWithoutKindOrAddress() {
    byte[] answer =
        new NetlinkMessageBuilder(LinkMessages.RTM_NEWLINK, 0, 4)
            .interfaceInfo(1, 0, 0)
            .attributeString(LinkMessages.IFLA_IFNAME, "lo")
            .attributeInt(LinkMessages.IFLA_MTU, 65536)
            .build();

    assertThat(LinkMessages.link(only(answer)))
        .isEqualTo(new Link(1, "lo", "", 65536, false, Optional.empty()));
  }

  @Test
  void splitReturnsEveryMessageOfOneReceive() {
    byte[] first =
        new NetlinkMessageBuilder(LinkMessages.RTM_NEWLINK, 0, 8)
            .interfaceInfo(3, 0, 0)
            .attributeString(LinkMessages.IFLA_IFNAME, "abc") // 8 bytes: no padding needed
            .attribute(50, new byte[] {1}) // 5 bytes, padded to 8
            .build();
    byte[] second = error(8, 0, 0, null);
    ByteBuffer both = ByteBuffer.allocate(first.length + second.length);
    both.put(first).put(second).flip();

    List<NetlinkMessage> messages = NetlinkMessage.split(both);

    assertThat(messages).extracting(NetlinkMessage::type).containsExactly(16, 2);
    assertThat(messages).extracting(NetlinkMessage::sequence).containsExactly(8, 8);
    assertThat(LinkMessages.link(messages.getFirst()).name()).isEqualTo("abc");
  }

  @Test
  void messageLongerThanTheDataIsMalformed() {
    byte[] message = LinkMessages.delete(1, "kvs1");
    ByteBuffer truncated = ByteBuffer.wrap(message, 0, message.length - 4);

    assertThatThrownBy(() -> NetlinkMessage.split(truncated.slice()))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("malformed netlink reply: message of 44 bytes at offset 0 of 40");
  }

  @Test
  void messageShorterThanItsHeaderIsMalformed() {
    byte[] message = LinkMessages.delete(1, "kvs1");
    ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).putInt(0, 8);

    assertThatThrownBy(() -> NetlinkMessage.split(ByteBuffer.wrap(message)))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("message of 8 bytes");
  }

  @Test
  void attributeRunningPastItsMessageIsMalformed() {
    byte[] answer =
        new NetlinkMessageBuilder(LinkMessages.RTM_NEWLINK, 0, 4)
            .interfaceInfo(1, 0, 0)
            .attributeString(LinkMessages.IFLA_IFNAME, "lo")
            .build();
    ByteBuffer.wrap(answer).order(ByteOrder.nativeOrder()).putShort(32, (short) 200);

    assertThatThrownBy(() -> LinkMessages.link(only(answer)))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("malformed netlink attribute: length 200");
  }

  @Test
  void nestsMustBeClosedBeforeTheMessageIsBuilt() {
    NetlinkMessageBuilder builder =
        new NetlinkMessageBuilder(LinkMessages.RTM_NEWLINK, 0, 1).begin(LinkMessages.IFLA_LINKINFO);

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void errnoNamesAreSymbolic() {
    assertThat(Errno.name(17)).isEqualTo("EEXIST");
    assertThat(Errno.name(19)).isEqualTo("ENODEV");
    assertThat(Errno.name(4095)).isEqualTo("errno 4095");
  }

  // ---- helpers ----

  private static NetlinkMessage only(byte[] message) {
    List<NetlinkMessage> messages = NetlinkMessage.split(ByteBuffer.wrap(message));
    assertThat(messages).hasSize(1);
    return messages.getFirst();
  }

  /** The attributes after the ifinfomsg of a link message. */
  private static ByteBuffer interfaceAttributes(NetlinkMessage message) {
    ByteBuffer payload = message.payload();
    return payload.slice(16, payload.limit() - 16).order(ByteOrder.nativeOrder());
  }

  private static ByteBuffer attribute(ByteBuffer attributes, int type) {
    return LinkMessages.findAttribute(attributes, type)
        .orElseThrow(() -> new AssertionError("no attribute " + type));
  }

  private static String string(ByteBuffer value) {
    byte[] bytes = new byte[value.remaining()];
    value.duplicate().get(bytes);
    assertThat(bytes[bytes.length - 1]).as("NUL-terminated").isZero();
    return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
  }

  private static int[] bytes(ByteBuffer value) {
    int[] bytes = new int[value.remaining()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = value.get(i) & 0xff;
    }
    return bytes;
  }

  /** An NLMSG_ERROR as the kernel writes it with NETLINK_CAP_ACK: error, echoed header, TLVs. */
  private static byte[] error(int sequence, int error, int flags, String text) {
    ByteBuffer payload = ByteBuffer.allocate(4 + 16 + 64).order(ByteOrder.nativeOrder());
    payload.putInt(error);
    payload.putInt(40).putShort((short) 16).putShort((short) 5).putInt(sequence).putInt(0);
    if (text != null) {
      byte[] value = (text + "\0").getBytes(StandardCharsets.US_ASCII);
      payload.putShort((short) (4 + value.length)).putShort((short) LinkMessages.NLMSGERR_ATTR_MSG);
      payload.put(value);
      while ((payload.position() & 3) != 0) {
        payload.put((byte) 0);
      }
    }
    byte[] body = new byte[payload.position()];
    payload.flip().get(body);
    return message(NetlinkMessage.NLMSG_ERROR, flags, sequence, body);
  }

  private static byte[] message(int type, int flags, int sequence, byte[] payload) {
    ByteBuffer message = ByteBuffer.allocate(16 + payload.length).order(ByteOrder.nativeOrder());
    message.putInt(16 + payload.length).putShort((short) type).putShort((short) flags);
    message.putInt(sequence).putInt(0).put(payload);
    return message.array();
  }
}
