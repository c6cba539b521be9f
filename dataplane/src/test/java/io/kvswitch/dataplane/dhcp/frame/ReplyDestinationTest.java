package io.kvswitch.dataplane.dhcp.frame;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;
import io.kvswitch.dataplane.dhcp.frame.ReplyDestination.Kind;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import org.junit.jupiter.api.Test;

class ReplyDestinationTest {

  private static final MacAddress CLIENT = MacAddress.parse("02:00:00:00:00:01");
  private static final MacAddress RELAY = MacAddress.parse("02:00:00:00:00:fe");

  private static DhcpMessage request(String ciaddr, String giaddr, boolean broadcast) {
    return DhcpMessage.builder()
        .clientMac(CLIENT)
        .ciaddr(parse(ciaddr))
        .giaddr(parse(giaddr))
        .flags(broadcast ? DhcpMessage.FLAG_BROADCAST : 0)
        .options(DhcpOptions.builder().messageType(DhcpMessageType.REQUEST).build())
        .build();
  }

  private static DhcpMessage reply(DhcpMessage request, DhcpMessageType type, String yiaddr) {
    return request.toBuilder()
        .op(DhcpMessage.BOOTREPLY)
        .yiaddr(parse(yiaddr))
        .options(DhcpOptions.builder().messageType(type).build())
        .build();
  }

  private static ReplyDestination route(
      String ciaddr, String giaddr, boolean broadcast, DhcpMessageType type, String yiaddr) {
    DhcpMessage request = request(ciaddr, giaddr, broadcast);
    MacAddress source = giaddr.equals("0.0.0.0") ? CLIENT : RELAY;
    return ReplyDestination.of(request, reply(request, type, yiaddr), source);
  }

  @Test
  void relayedRepliesGoToTheRelayServerPortWhateverElseIsSet() {
    assertThat(route("0.0.0.0", "10.0.0.254", true, DhcpMessageType.OFFER, "10.0.0.9"))
        .isEqualTo(new ReplyDestination(Kind.RELAY, parse("10.0.0.254"), 67, RELAY));
    assertThat(route("10.0.0.9", "10.0.0.254", false, DhcpMessageType.NAK, "0.0.0.0"))
        .isEqualTo(new ReplyDestination(Kind.RELAY, parse("10.0.0.254"), 67, RELAY));
  }

  @Test
  void naksWithoutRelayAreBroadcast() {
    assertThat(route("10.0.0.9", "0.0.0.0", false, DhcpMessageType.NAK, "0.0.0.0"))
        .isEqualTo(
            new ReplyDestination(Kind.BROADCAST, Ipv4Address.BROADCAST, 68, MacAddress.BROADCAST));
  }

  @Test
  void clientsWithAnAddressGetUnicastToCiaddr() {
    assertThat(route("10.0.0.9", "0.0.0.0", true, DhcpMessageType.ACK, "10.0.0.9"))
        .isEqualTo(new ReplyDestination(Kind.CLIENT_ADDRESS, parse("10.0.0.9"), 68, CLIENT));
  }

  @Test
  void broadcastFlagMakesTheReplyBroadcast() {
    assertThat(route("0.0.0.0", "0.0.0.0", true, DhcpMessageType.OFFER, "10.0.0.9"))
        .isEqualTo(
            new ReplyDestination(Kind.BROADCAST, Ipv4Address.BROADCAST, 68, MacAddress.BROADCAST));
  }

  @Test
  void otherwiseTheReplyIsUnicastToYiaddrAtChaddr() {
    assertThat(route("0.0.0.0", "0.0.0.0", false, DhcpMessageType.OFFER, "10.0.0.9"))
        .isEqualTo(new ReplyDestination(Kind.CLIENT_HARDWARE, parse("10.0.0.9"), 68, CLIENT));
  }

  @Test
  void replyWithoutYiaddrOrCiaddrFallsBackToBroadcast() {
    assertThat(route("0.0.0.0", "0.0.0.0", false, DhcpMessageType.ACK, "0.0.0.0").kind())
        .isEqualTo(Kind.BROADCAST);
  }
}
