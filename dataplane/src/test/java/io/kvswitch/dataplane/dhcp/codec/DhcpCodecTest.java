package io.kvswitch.dataplane.dhcp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.Ipv4Subnet;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DhcpCodecTest {

  private final DhcpCodecCounters counters = new DhcpCodecCounters();
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new DhcpMessageDecoder(counters), new DhcpMessageEncoder(counters));

  @BeforeAll
  static void paranoidLeakDetection() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterEach
  void channelIsClean() {
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  private static DhcpMessage discover() {
    return DhcpMessage.builder()
        .op(DhcpMessage.BOOTREQUEST)
        .xid(0xcafef00d)
        .secs(3)
        .flags(DhcpMessage.FLAG_BROADCAST)
        .clientMac(MacAddress.parse("02:42:ac:11:00:02"))
        .options(
            DhcpOptions.builder()
                .messageType(DhcpMessageType.DISCOVER)
                .clientId(new byte[] {1, 2, 0x42, (byte) 0xac, 0x11, 0, 2})
                .requestedIp(Ipv4Address.parse("10.0.0.7"))
                .parameterRequestList(List.of(1, 3, 6, 15, 26, 121))
                .maxMessageSize(1500)
                .hostname("vm-1")
                .raw(82, new byte[] {1, 4, 'p', 'o', 'r', 't'})
                .raw(224, new byte[] {9, 8, 7})
                .build())
        .build();
  }

  private DhcpMessage roundTrip(DhcpMessage message) {
    assertThat(channel.writeOutbound(message)).isTrue();
    ByteBuf encoded = channel.readOutbound();
    assertThat(channel.writeInbound(encoded)).isTrue();
    assertThat(encoded.refCnt()).isZero();
    return channel.readInbound();
  }

  @Test
  void requestSurvivesRoundTripWithEveryField() {
    DhcpMessage sent =
        discover().toBuilder()
            .hops(2)
            .ciaddr(Ipv4Address.parse("10.0.0.9"))
            .siaddr(Ipv4Address.parse("10.0.0.2"))
            .giaddr(Ipv4Address.parse("10.0.0.254"))
            .sname("boot-server")
            .file("pxelinux.0")
            .build();

    DhcpMessage received = roundTrip(sent);

    assertThat(received).isEqualTo(sent);
    assertThat(received.xid()).isEqualTo(0xcafef00d);
    assertThat(received.broadcastFlag()).isTrue();
    assertThat(received.clientMac()).contains(MacAddress.parse("02:42:ac:11:00:02"));
    assertThat(received.sname()).isEqualTo("boot-server");
    assertThat(received.file()).isEqualTo("pxelinux.0");
    assertThat(counters.encoded()).isEqualTo(1);
    assertThat(counters.decoded()).isEqualTo(1);
  }

  @Test
  void typedOptionsReadBackAsSent() {
    DhcpOptions options = roundTrip(discover()).options();

    assertThat(options.messageType()).contains(DhcpMessageType.DISCOVER);
    assertThat(options.requestedIp()).contains(Ipv4Address.parse("10.0.0.7"));
    assertThat(options.parameterRequestList()).containsExactly(1, 3, 6, 15, 26, 121);
    assertThat(options.maxMessageSize()).hasValue(1500);
    assertThat(options.hostname()).contains("vm-1");
    assertThat(options.clientId()).hasValueSatisfying(id -> assertThat(id).hasSize(7));
    assertThat(options.relayAgentInfo())
        .hasValueSatisfying(v -> assertThat(v).containsExactly(1, 4, 'p', 'o', 'r', 't'));
    assertThat(options.raw(224)).hasValueSatisfying(v -> assertThat(v).containsExactly(9, 8, 7));
    assertThat(options.codes()).containsExactly(53, 61, 50, 55, 57, 12, 82, 224);
  }

  @Test
  void replyOptionsReadBackAsSent() {
    List<ClasslessRoute> routes =
        List.of(
            new ClasslessRoute(Ipv4Subnet.parse("0.0.0.0/0"), Ipv4Address.parse("10.0.0.1")),
            new ClasslessRoute(
                Ipv4Subnet.parse("192.168.128.0/17"), Ipv4Address.parse("10.0.0.3")));
    DhcpMessage ack =
        DhcpMessage.builder()
            .op(DhcpMessage.BOOTREPLY)
            .xid(7)
            .yiaddr(Ipv4Address.parse("10.0.0.50"))
            .clientMac(MacAddress.parse("02:00:00:00:00:09"))
            .options(
                DhcpOptions.builder()
                    .messageType(DhcpMessageType.ACK)
                    .serverId(Ipv4Address.parse("10.0.0.1"))
                    .leaseTime(3600)
                    .renewalTime(1800)
                    .rebindingTime(3150)
                    .subnetMask(Ipv4Address.parse("255.255.255.0"))
                    .routers(List.of(Ipv4Address.parse("10.0.0.1")))
                    .dnsServers(List.of(Ipv4Address.parse("1.1.1.1"), Ipv4Address.parse("8.8.8.8")))
                    .domainName("tenant.example")
                    .interfaceMtu(1450)
                    .classlessStaticRoutes(routes)
                    .build())
            .build();

    DhcpMessage received = roundTrip(ack);

    DhcpOptions options = received.options();
    assertThat(received.yiaddr()).isEqualTo(Ipv4Address.parse("10.0.0.50"));
    assertThat(options.serverId()).contains(Ipv4Address.parse("10.0.0.1"));
    assertThat(options.leaseTime()).hasValue(3600);
    assertThat(options.renewalTime()).hasValue(1800);
    assertThat(options.rebindingTime()).hasValue(3150);
    assertThat(options.subnetMask()).contains(Ipv4Address.parse("255.255.255.0"));
    assertThat(options.routers()).containsExactly(Ipv4Address.parse("10.0.0.1"));
    assertThat(options.dnsServers())
        .containsExactly(Ipv4Address.parse("1.1.1.1"), Ipv4Address.parse("8.8.8.8"));
    assertThat(options.domainName()).contains("tenant.example");
    assertThat(options.interfaceMtu()).hasValue(1450);
    assertThat(options.classlessStaticRoutes()).isEqualTo(routes);
  }

  @Test
  void repliesArePaddedToTheBootpMinimum() {
    DhcpMessage nak =
        DhcpMessage.builder()
            .op(DhcpMessage.BOOTREPLY)
            .options(DhcpOptions.builder().messageType(DhcpMessageType.NAK).build())
            .build();
    channel.writeOutbound(nak);
    ByteBuf encoded = channel.readOutbound();
    try {
      assertThat(encoded.readableBytes()).isEqualTo(300);
      assertThat(DhcpWireFormat.encodedLength(nak)).isEqualTo(300);
      assertThat(encoded.getUnsignedByte(243)).isEqualTo((short) 255); // END right after 53
    } finally {
      encoded.release();
    }
  }

  @Test
  void rfc3442ExampleEncodesToTheDocumentedBytes() {
    // RFC 3442 §"Option Format" examples: 10.0.0.0/8 via 10.0.0.1 is 8 10 10 0 0 1 etc.
    byte[] value =
        ClasslessRoute.encode(
            List.of(
                new ClasslessRoute(Ipv4Subnet.parse("10.0.0.0/8"), Ipv4Address.parse("10.0.0.1")),
                new ClasslessRoute(Ipv4Subnet.parse("0.0.0.0/0"), Ipv4Address.parse("10.0.0.1")),
                new ClasslessRoute(
                    Ipv4Subnet.parse("10.17.0.0/16"), Ipv4Address.parse("10.0.0.2"))));

    assertThat(value).containsExactly(8, 10, 10, 0, 0, 1, 0, 10, 0, 0, 1, 16, 10, 17, 10, 0, 0, 2);
  }

  @Test
  void valuesLongerThan255BytesAreSplitAndJoinedAgain() {
    byte[] big = new byte[600];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    DhcpMessage sent =
        discover().toBuilder()
            .options(discover().options().toBuilder().raw(250, big).build())
            .build();

    assertThat(channel.writeOutbound(sent)).isTrue();
    ByteBuf encoded = channel.readOutbound();
    int parts = countOptionInstances(encoded, 250);
    assertThat(channel.writeInbound(encoded)).isTrue();
    DhcpMessage received = channel.readInbound();

    assertThat(parts).isEqualTo(3);
    assertThat(received.options().raw(250)).hasValueSatisfying(v -> assertThat(v).isEqualTo(big));
  }

  private static int countOptionInstances(ByteBuf buf, int code) {
    int count = 0;
    int i = DhcpWireFormat.MIN_LENGTH;
    while (i < buf.writerIndex()) {
      int c = buf.getUnsignedByte(i);
      if (c == 255) {
        break;
      }
      if (c == 0) {
        i++;
        continue;
      }
      if (c == code) {
        count++;
      }
      i += 2 + buf.getUnsignedByte(i + 1);
    }
    return count;
  }

  @Test
  void repeatedOptionPartsAreConcatenated() {
    byte[] raw =
        new RawDhcpBytes()
            .option(53, 1, 1)
            .option(6, 4, 1, 1, 1, 1)
            .option(6, 4, 8, 8, 8, 8)
            .option(255)
            .bytes();

    DhcpMessage received = decodeInbound(raw);

    assertThat(received.options().dnsServers())
        .containsExactly(Ipv4Address.parse("1.1.1.1"), Ipv4Address.parse("8.8.8.8"));
  }

  @Test
  void padsAreSkippedAndMissingEndIsTolerated() {
    byte[] raw = new RawDhcpBytes().option(0, 0, 53, 1, 3, 0, 50, 4, 10, 0, 0, 5).bytes();

    DhcpMessage received = decodeInbound(raw);

    assertThat(received.messageType()).contains(DhcpMessageType.REQUEST);
    assertThat(received.options().requestedIp()).contains(Ipv4Address.parse("10.0.0.5"));
  }

  @Test
  void overloadedFileAndSnameFieldsAreReadAsOptionsInRfcOrder() {
    byte[] fileOptions = {12, 3, 'v', 'm', '1', (byte) 255};
    byte[] snameOptions = {50, 4, 10, 0, 0, 9, (byte) 255};
    byte[] raw =
        new RawDhcpBytes()
            .setText(108, fileOptions)
            .setText(44, snameOptions)
            .option(53, 1, 1, 52, 1, 3, 12, 2, 'x', '-', 255)
            .bytes();

    DhcpMessage received = decodeInbound(raw);

    assertThat(received.options().hostname()).contains("x-vm1");
    assertThat(received.options().requestedIp()).contains(Ipv4Address.parse("10.0.0.9"));
    assertThat(received.options().contains(DhcpOptionCodes.OVERLOAD)).isFalse();
    assertThat(received.sname()).isEmpty();
    assertThat(received.file()).isEmpty();
  }

  @Test
  void unknownMessageTypeIsKeptButNotInterpreted() {
    DhcpMessage received = decodeInbound(new RawDhcpBytes().option(53, 1, 18, 255).bytes());

    assertThat(received.messageType()).isEmpty();
    assertThat(received.options().raw(53))
        .hasValueSatisfying(v -> assertThat(v).containsExactly(18));
  }

  private DhcpMessage decodeInbound(byte[] raw) {
    ByteBuf in = Unpooled.wrappedBuffer(raw);
    assertThat(channel.writeInbound(in)).isTrue();
    assertThat(in.refCnt()).isZero();
    return channel.readInbound();
  }

  @Test
  void truncatedHeaderIsRefused() {
    assertCorrupt(Arrays.copyOf(new RawDhcpBytes().bytes(), 200), "truncated DHCP message: 200");
  }

  @Test
  void optionLengthPastTheEndIsRefused() {
    assertCorrupt(
        new RawDhcpBytes().option(53, 1, 1, 12, 40, 'a', 'b').bytes(),
        "option 12 in options has length 40 but only 2 bytes remain");
  }

  @Test
  void optionWithoutLengthByteIsRefused() {
    assertCorrupt(
        new RawDhcpBytes().option(53, 1, 1, 12).bytes(), "option 12 in options has no length byte");
  }

  @Test
  void missingMagicCookieIsRefused() {
    assertCorrupt(new RawDhcpBytes().withoutCookie().option(53, 1, 1).bytes(), "magic cookie");
  }

  @Test
  void badHlenIsRefused() {
    assertCorrupt(new RawDhcpBytes().set(2, 17).option(53, 1, 1).bytes(), "bad hlen 17");
    assertCorrupt(new RawDhcpBytes().set(2, 4).option(53, 1, 1).bytes(), "bad hlen 4 for htype 1");
  }

  @Test
  void badOpIsRefused() {
    assertCorrupt(new RawDhcpBytes().set(0, 9).option(53, 1, 1).bytes(), "op 9");
  }

  @Test
  void garbledKnownOptionsAreRefused() {
    assertCorrupt(
        new RawDhcpBytes().option(53, 1, 3, 50, 3, 10, 0, 0).bytes(),
        "option 50 length 3, expected 4");
    assertCorrupt(new RawDhcpBytes().option(53, 2, 1, 1).bytes(), "option 53 length 2, expected 1");
    assertCorrupt(new RawDhcpBytes().option(57, 2, 1, 0).bytes(), "below 576");
    assertCorrupt(new RawDhcpBytes().option(6, 3, 1, 1, 1).bytes(), "not a positive multiple of 4");
    assertCorrupt(new RawDhcpBytes().option(121, 5, 33, 0, 0, 0, 0).bytes(), "above 32");
    assertCorrupt(new RawDhcpBytes().option(61, 1, 1).bytes(), "option 61 length 1");
  }

  @Test
  void badOverloadIsRefused() {
    assertCorrupt(new RawDhcpBytes().option(52, 1, 4).bytes(), "option 52");
    byte[] nestedOverload = {52, 1, 1, (byte) 255};
    assertCorrupt(
        new RawDhcpBytes().setText(108, nestedOverload).option(52, 1, 1).bytes(), "option 52");
    byte[] runaway = new byte[128];
    runaway[0] = 12;
    runaway[1] = (byte) 200;
    assertCorrupt(
        new RawDhcpBytes().setText(108, runaway).option(52, 1, 1).bytes(),
        "option 12 in file has length 200");
  }

  private void assertCorrupt(byte[] raw, String reason) {
    long before = counters.malformed();
    ByteBuf in = Unpooled.wrappedBuffer(raw);

    assertThatThrownBy(() -> channel.writeInbound(in))
        .isInstanceOf(CorruptedFrameException.class)
        .hasMessageContaining(reason);

    assertThat(in.refCnt()).isZero();
    assertThat(counters.malformed()).isEqualTo(before + 1);
    Object nothing = channel.readInbound();
    assertThat(nothing).isNull();
  }

  @Test
  void randomBytesNeverEscapeAsAnythingButCorruptedFrame() {
    Random random = new Random(42);
    int decoded = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] raw = new RawDhcpBytes().bytes();
      // Keep the header valid half of the time so the option parser sees the garbage too.
      int from = i % 2 == 0 ? 0 : DhcpWireFormat.MIN_LENGTH;
      raw = Arrays.copyOf(raw, DhcpWireFormat.MIN_LENGTH + random.nextInt(400));
      for (int j = from; j < raw.length; j++) {
        raw[j] = (byte) random.nextInt(256);
      }
      ByteBuf in = Unpooled.wrappedBuffer(raw);
      try {
        channel.writeInbound(in);
        DhcpMessage message = channel.readInbound();
        assertThat(message).isNotNull();
        decoded++;
      } catch (CorruptedFrameException expected) {
        // counted below
      }
      assertThat(in.refCnt()).isZero();
    }
    assertThat(counters.decoded()).isEqualTo(decoded);
    assertThat(counters.malformed()).isEqualTo(5_000 - decoded);
  }

  @Test
  void datagramCodecKeepsAddresses() {
    EmbeddedChannel datagrams =
        new EmbeddedChannel(
            new DatagramDhcpMessageDecoder(counters), new DatagramDhcpMessageEncoder(counters));
    InetSocketAddress client = new InetSocketAddress("10.0.0.7", 68);
    InetSocketAddress server = new InetSocketAddress("10.0.0.1", 67);
    try {
      AddressedEnvelope<DhcpMessage, InetSocketAddress> out =
          new DefaultAddressedEnvelope<>(discover(), client, server);
      assertThat(datagrams.writeOutbound(out)).isTrue();
      DatagramPacket packet = datagrams.readOutbound();
      assertThat(packet.recipient()).isEqualTo(client);
      assertThat(packet.sender()).isEqualTo(server);

      assertThat(datagrams.writeInbound(packet)).isTrue();
      assertThat(packet.refCnt()).isZero();
      AddressedEnvelope<DhcpMessage, InetSocketAddress> in = datagrams.readInbound();
      assertThat(in.content()).isEqualTo(discover());
      assertThat(in.sender()).isEqualTo(server);
      assertThat(in.recipient()).isEqualTo(client);
    } finally {
      assertThat(datagrams.finishAndReleaseAll()).isFalse();
    }
  }

  @Test
  void malformedDatagramIsReleasedAndCounted() {
    EmbeddedChannel datagrams = new EmbeddedChannel(new DatagramDhcpMessageDecoder(counters));
    DatagramPacket garbage =
        new DatagramPacket(
            Unpooled.wrappedBuffer(new byte[] {1, 2, 3}),
            new InetSocketAddress("10.0.0.1", 67),
            new InetSocketAddress("0.0.0.0", 68));
    try {
      assertThatThrownBy(() -> datagrams.writeInbound(garbage))
          .isInstanceOf(CorruptedFrameException.class);
      assertThat(garbage.refCnt()).isZero();
      assertThat(counters.malformed()).isEqualTo(1);
    } finally {
      assertThat(datagrams.finishAndReleaseAll()).isFalse();
    }
  }

  @Test
  void builderRefusesValuesTheWireCannotCarry() {
    assertThatThrownBy(() -> DhcpOptions.builder().raw(255, new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DhcpOptions.builder().leaseTime(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DhcpMessage.builder().hlen(17).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DhcpMessage.builder().op(3).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
