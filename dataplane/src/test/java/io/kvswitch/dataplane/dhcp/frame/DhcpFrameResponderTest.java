package io.kvswitch.dataplane.dhcp.frame;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.dhcp.FakeClock;
import io.kvswitch.dataplane.dhcp.TestClient;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.lease.AddressPool;
import io.kvswitch.dataplane.dhcp.lease.BlockAllocator;
import io.kvswitch.dataplane.dhcp.lease.GroupCommitter;
import io.kvswitch.dataplane.dhcp.lease.InMemoryBlockLedger;
import io.kvswitch.dataplane.dhcp.lease.InMemoryLeaseStore;
import io.kvswitch.dataplane.dhcp.lease.PoolStatusListener;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DhcpFrameResponderTest {

  private static final MacAddress SWITCH_MAC = MacAddress.parse("0a:58:00:00:00:01");

  private final DhcpFrameResponder responder;
  private final TestClient client = new TestClient("02:42:ac:11:00:02");

  DhcpFrameResponderTest() {
    DhcpNetworkConfig config =
        DhcpNetworkConfig.builder("blue", "10.0.0.0/24").gateway("10.0.0.1").build();
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    FakeClock clock = new FakeClock();
    AddressPool pool =
        new AddressPool(
            config,
            store,
            new BlockAllocator(config.range(), 32, new InMemoryBlockLedger(), "n"),
            clock,
            PoolStatusListener.NONE);
    DhcpServer server =
        new DhcpServer(
            pool,
            store,
            new GroupCommitter(store, Runnable::run, 8),
            clock,
            RateLimits.DEFAULT,
            "n");
    responder = new DhcpFrameResponder(server, SWITCH_MAC, ByteBufAllocator.DEFAULT);
  }

  private Optional<DhcpFrame> exchange(DhcpMessage request) {
    ByteBuf in =
        DhcpFrameCodec.build(
            ByteBufAllocator.DEFAULT,
            request,
            client.mac,
            request.ciaddr(),
            68,
            MacAddress.BROADCAST,
            Ipv4Address.BROADCAST,
            67);
    try {
      Optional<ByteBuf> out = responder.answer(in, "veth-a").join();
      return out.map(
          frame -> {
            try {
              return DhcpFrameCodec.parse(frame);
            } finally {
              frame.release();
            }
          });
    } finally {
      in.release();
    }
  }

  @Test
  void fullExchangeHappensInFrames() {
    DhcpFrame offer = exchange(client.discover()).orElseThrow();
    assertThat(offer.destinationMac()).isEqualTo(client.mac);
    assertThat(offer.sourceMac()).isEqualTo(SWITCH_MAC);
    assertThat(offer.sourceIp()).isEqualTo(parse("10.0.0.1"));
    assertThat(offer.destinationIp()).isEqualTo(offer.message().yiaddr());
    assertThat(offer.sourcePort()).isEqualTo(67);

    DhcpFrame ack =
        exchange(client.select(offer.message().yiaddr(), parse("10.0.0.1"))).orElseThrow();
    assertThat(ack.message().messageType()).contains(DhcpMessageType.ACK);

    DhcpFrame renewal = exchange(client.renew(ack.message().yiaddr())).orElseThrow();
    assertThat(renewal.destinationIp()).isEqualTo(ack.message().yiaddr());
    assertThat(renewal.message().messageType()).contains(DhcpMessageType.ACK);
  }

  @Test
  void garbageFramesAreCountedAndDroppedAndTheNextClientIsServed() {
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      byte[] garbage = new byte[14 + random.nextInt(600)];
      random.nextBytes(garbage);
      ByteBuf frame = Unpooled.wrappedBuffer(garbage);
      assertThat(responder.answer(frame, "veth-a").join()).isEmpty();
      frame.release();
    }

    assertThat(responder.malformedFrames()).isEqualTo(200);
    assertThat(exchange(client.discover())).isPresent();
  }

  @Test
  void mutatedDhcpFramesNeverEscapeAsAnythingButADrop() {
    ByteBuf valid =
        DhcpFrameCodec.build(
            ByteBufAllocator.DEFAULT,
            client.discover(),
            client.mac,
            Ipv4Address.ANY,
            68,
            MacAddress.BROADCAST,
            Ipv4Address.BROADCAST,
            67);
    byte[] template = new byte[valid.readableBytes()];
    valid.getBytes(0, template);
    valid.release();
    Random random = new Random(11);
    for (int i = 0; i < 2_000; i++) {
      byte[] mutated = java.util.Arrays.copyOf(template, 15 + random.nextInt(template.length - 14));
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        mutated[14 + random.nextInt(mutated.length - 14)] = (byte) random.nextInt(256);
      }
      ByteBuf frame = Unpooled.wrappedBuffer(mutated);
      responder.answer(frame, "veth-" + i).join().ifPresent(ByteBuf::release);
      frame.release();
    }

    assertThat(responder.malformedFrames()).isPositive();
    assertThat(responder.failedRequests())
        .as("the server never failed on what it accepted")
        .isZero();
    assertThat(exchange(client.discover())).isPresent();
  }
}
