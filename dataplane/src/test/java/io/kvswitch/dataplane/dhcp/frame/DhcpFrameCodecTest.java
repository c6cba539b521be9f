package io.kvswitch.dataplane.dhcp.frame;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.ResourceLeakDetector;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DhcpFrameCodecTest {

  private static final MacAddress SERVER_MAC = MacAddress.parse("0a:58:00:00:00:01");
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private final TestClient client = new TestClient("02:42:ac:11:00:02");

  @BeforeAll
  static void paranoidLeakDetection() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  private ByteBuf discoverFrame() {
    return DhcpFrameCodec.build(
        ALLOC,
        client.discover(),
        client.mac,
        Ipv4Address.ANY,
        68,
        MacAddress.BROADCAST,
        Ipv4Address.BROADCAST,
        67);
  }

  /** RFC 1071 checksum over bytes, written out plainly, independently of the codec. */
  private static int onesComplementSum(byte[] bytes, int from, int length, long initial) {
    long sum = initial;
    for (int i = 0; i < length; i += 2) {
      int hi = bytes[from + i] & 0xff;
      int lo = i + 1 < length ? bytes[from + i + 1] & 0xff : 0;
      sum += (hi << 8) | lo;
    }
    while (sum > 0xffff) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) sum;
  }

  private static byte[] bytes(ByteBuf buf) {
    byte[] bytes = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), bytes);
    return bytes;
  }

  @Test
  void ipv4ChecksumMatchesTheTextbookExample() {
    ByteBuf header =
        Unpooled.wrappedBuffer(
            new byte[] {
              0x45,
              0,
              0,
              0x73,
              0,
              0,
              0x40,
              0,
              0x40,
              0x11,
              0,
              0,
              (byte) 0xc0,
              (byte) 0xa8,
              0,
              1,
              (byte) 0xc0,
              (byte) 0xa8,
              0,
              (byte) 0xc7
            });
    try {
      assertThat(InternetChecksum.finish(InternetChecksum.add(0, header, 0, 20))).isEqualTo(0xb861);
    } finally {
      header.release();
    }
  }

  @Test
  void requestFrameRoundTripsWithValidChecksums() {
    ByteBuf frame = discoverFrame();
    try {
      byte[] raw = bytes(frame);
      assertThat(onesComplementSum(raw, 14, 20, 0))
          .as("IPv4 header sums to 0xffff")
          .isEqualTo(0xffff);
      int udpLength = ((raw[38] & 0xff) << 8) | (raw[39] & 0xff);
      long pseudo = 0 + 0 + 0xffff + 0xffff + 17 + udpLength;
      assertThat(onesComplementSum(raw, 34, udpLength, pseudo))
          .as("UDP sums to 0xffff")
          .isEqualTo(0xffff);
      assertThat(DhcpFrameCodec.isDhcpToServer(frame)).isTrue();

      DhcpFrame parsed = DhcpFrameCodec.parse(frame);

      assertThat(parsed.message())
          .isEqualTo(client.discover().toBuilder().xid(parsed.message().xid()).build());
      assertThat(parsed.sourceMac()).isEqualTo(client.mac);
      assertThat(parsed.destinationMac()).isEqualTo(MacAddress.BROADCAST);
      assertThat(parsed.sourceIp()).isEqualTo(Ipv4Address.ANY);
      assertThat(parsed.destinationIp()).isEqualTo(Ipv4Address.BROADCAST);
      assertThat(parsed.sourcePort()).isEqualTo(68);
      assertThat(parsed.vlan()).isEmpty();
    } finally {
      frame.release();
    }
  }

  @Test
  void taggedFramesAreRecognisedAndReportTheirVlan() {
    ByteBuf untagged = discoverFrame();
    ByteBuf tagged = Unpooled.buffer();
    try {
      tagged.writeBytes(untagged, 0, 12);
      tagged.writeShort(0x8100);
      tagged.writeShort(0x2000 | 42);
      tagged.writeBytes(untagged, 12, untagged.readableBytes() - 12);

      assertThat(DhcpFrameCodec.isDhcpToServer(tagged)).isTrue();
      assertThat(DhcpFrameCodec.parse(tagged).vlan()).isEqualTo(OptionalInt.of(42));
    } finally {
      untagged.release();
      tagged.release();
    }
  }

  @Test
  void otherTrafficIsNotTakenForDhcp() {
    ByteBuf reply =
        DhcpFrameCodec.build(
            ALLOC,
            client.discover(),
            client.mac,
            Ipv4Address.ANY,
            67,
            MacAddress.BROADCAST,
            Ipv4Address.BROADCAST,
            68);
    ByteBuf arp = Unpooled.wrappedBuffer(new byte[60]);
    arp.setShort(12, 0x0806);
    try {
      assertThat(DhcpFrameCodec.isDhcpToServer(reply)).isFalse();
      assertThat(DhcpFrameCodec.isDhcpToServer(arp)).isFalse();
      assertThat(DhcpFrameCodec.isDhcpToServer(Unpooled.EMPTY_BUFFER)).isFalse();
    } finally {
      reply.release();
      arp.release();
    }
  }

  private void assertCorrupt(Consumer<ByteBuf> damage, String reason) {
    ByteBuf frame = discoverFrame();
    try {
      damage.accept(frame);
      assertThatThrownBy(() -> DhcpFrameCodec.parse(frame))
          .isInstanceOf(CorruptedFrameException.class)
          .hasMessageContaining(reason);
    } finally {
      frame.release();
    }
  }

  @Test
  void damagedFramesAreRefused() {
    assertCorrupt(f -> f.setByte(22, 1), "bad IPv4 header checksum");
    assertCorrupt(f -> f.setByte(100, f.getByte(100) ^ 0x55), "bad UDP checksum");
    assertCorrupt(f -> f.setShort(16, 9000), "does not fit the frame");
    assertCorrupt(f -> f.writerIndex(100), "does not fit the frame");
    assertCorrupt(f -> f.setShort(20, 0x2000), "fragments");
    assertCorrupt(f -> f.setByte(23, 6), "not UDP");
    assertCorrupt(f -> f.setShort(38, 4), "UDP length 4");
    assertCorrupt(f -> f.setShort(12, 0x86dd), "is not IPv4");
  }

  @Test
  void missingUdpChecksumIsAcceptedAndBadDhcpPayloadIsRefused() {
    ByteBuf frame = discoverFrame();
    try {
      frame.setShort(40, 0);
      assertThat(DhcpFrameCodec.parse(frame).message().messageType())
          .contains(DhcpMessageType.DISCOVER);
      frame.setInt(42 + 236, 0); // magic cookie
      assertThatThrownBy(() -> DhcpFrameCodec.parse(frame))
          .isInstanceOf(CorruptedFrameException.class)
          .hasMessageContaining("magic cookie");
    } finally {
      frame.release();
    }
  }

  @Test
  void replyFrameGoesToTheDestinationTheRfcPicks() {
    DhcpMessage request = client.discover();
    DhcpMessage offer =
        request.toBuilder()
            .op(DhcpMessage.BOOTREPLY)
            .yiaddr(parse("10.0.0.9"))
            .options(DhcpOptions.builder().messageType(DhcpMessageType.OFFER).build())
            .build();
    ReplyDestination destination = ReplyDestination.of(request, offer, client.mac);

    ByteBuf frame = DhcpFrameCodec.build(ALLOC, offer, destination, SERVER_MAC, parse("10.0.0.1"));
    try {
      byte[] raw = bytes(frame);
      assertThat(MacAddress.of(raw, 0)).isEqualTo(client.mac);
      assertThat(MacAddress.of(raw, 6)).isEqualTo(SERVER_MAC);
      assertThat(Ipv4Address.of(raw, 26)).isEqualTo(parse("10.0.0.1"));
      assertThat(Ipv4Address.of(raw, 30)).isEqualTo(parse("10.0.0.9"));
      assertThat(((raw[34] & 0xff) << 8) | (raw[35] & 0xff)).isEqualTo(67);
      assertThat(((raw[36] & 0xff) << 8) | (raw[37] & 0xff)).isEqualTo(68);
      assertThat(raw.length).isEqualTo(14 + 20 + 8 + 300);
      assertThat(onesComplementSum(raw, 14, 20, 0)).isEqualTo(0xffff);
      long pseudo = 0x0a00 + 0x0001 + 0x0a00 + 0x0009 + 17 + 308;
      assertThat(onesComplementSum(raw, 34, 308, pseudo)).isEqualTo(0xffff);
    } finally {
      frame.release();
    }
  }
}
