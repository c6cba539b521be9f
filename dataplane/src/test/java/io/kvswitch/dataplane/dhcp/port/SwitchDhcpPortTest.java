package io.kvswitch.dataplane.dhcp.port;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.config.RateLimits;
import io.kvswitch.dataplane.dhcp.frame.DhcpFrameResponder;
import io.kvswitch.dataplane.dhcp.lease.AddressPool;
import io.kvswitch.dataplane.dhcp.lease.BlockAllocator;
import io.kvswitch.dataplane.dhcp.lease.GroupCommitter;
import io.kvswitch.dataplane.dhcp.lease.InMemoryBlockLedger;
import io.kvswitch.dataplane.dhcp.lease.InMemoryLeaseStore;
import io.kvswitch.dataplane.dhcp.lease.PoolStatusListener;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the switch's DHCP port takes from the forwarding threads, and at what cost. */
class SwitchDhcpPortTest {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** A tagged IPv4 UDP frame to {@code port} in VLAN 10. */
  private static byte[] taggedUdp(int port) {
    ByteBuffer frame = ByteBuffer.allocate(18 + 20 + 8 + 300);
    frame.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1});
    frame.putShort((short) 0x8100).putShort((short) 10).putShort((short) 0x0800);
    frame.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + 300)).putInt(0);
    frame.put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0).putInt(-1);
    frame.putShort((short) 68).putShort((short) port).putShort((short) (8 + 300));
    return frame.array();
  }

  private static MemorySegment inMemory(Arena arena, byte[] frame) {
    MemorySegment segment = arena.allocate(frame.length + 3);
    MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 3, frame.length);
    return segment;
  }

  private static byte[] taggedArpFor(String target) {
    ByteBuffer frame = ByteBuffer.allocate(18 + 28);
    frame.put(new byte[] {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1});
    frame.putShort((short) 0x8100).putShort((short) 10).putShort((short) 0x0806);
    frame.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4);
    frame.putShort((short) 1).put(new byte[] {2, 0, 0, 0, 0, 1}).putInt(0x0a000a02);
    frame.put(new byte[6]).putInt(Ipv4Address.parse(target).value());
    return frame.array();
  }

  private static DhcpFrameResponder responder() {
    DhcpNetworkConfig config =
        DhcpNetworkConfig.builder("web", "10.0.10.0/24")
            .serverId("10.0.10.254")
            .range("10.0.10.100", "10.0.10.110")
            .build();
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    AddressPool pool =
        new AddressPool(
            config,
            store,
            new BlockAllocator(config.range(), 8, new InMemoryBlockLedger(), "node-a"),
            InstantSource.system(),
            PoolStatusListener.NONE);
    DhcpServer server =
        new DhcpServer(
            pool,
            store,
            new GroupCommitter(store, Runnable::run, 8),
            InstantSource.system(),
            RateLimits.UNLIMITED,
            "node-a");
    return new DhcpFrameResponder(
        server, MacAddress.parse("02:00:00:00:00:fe"), UnpooledByteBufAllocator.DEFAULT);
  }

  @Test
  void onlyTaggedUdpToPort67IsADhcpRequest() {
    try (Arena arena = Arena.ofConfined()) {
      byte[] dhcp = taggedUdp(67);
      assertThat(SwitchDhcpPort.dhcpRequestVlan(inMemory(arena, dhcp), 3, dhcp.length))
          .isEqualTo(10);
      byte[] toGateway = taggedUdp(67);
      System.arraycopy(new byte[] {2, 0, 0, 0, 0, 0x77}, 0, toGateway, 0, 6);
      ByteBuffer.wrap(toGateway).putInt(18 + 16, Ipv4Address.parse("10.0.10.1").value());
      assertThat(SwitchDhcpPort.dhcpRequestVlan(inMemory(arena, toGateway), 3, toGateway.length))
          .as("a renewal unicast to the gateway's MAC and address, which the core hands over")
          .isEqualTo(10);
      byte[] toClient = taggedUdp(68);
      assertThat(SwitchDhcpPort.dhcpRequestVlan(inMemory(arena, toClient), 3, toClient.length))
          .isEqualTo(-1);
      byte[] arp = TestFrames.tagged("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 10, 46);
      assertThat(SwitchDhcpPort.dhcpRequestVlan(inMemory(arena, arp), 3, arp.length)).isEqualTo(-1);
      for (int cut = 0; cut < dhcp.length; cut += 7) {
        assertThat(SwitchDhcpPort.dhcpRequestVlan(inMemory(arena, dhcp), 3, cut))
            .as("cut to %d bytes", cut)
            .isIn(-1, 10);
      }
      assertThat(SwitchDhcpPort.dhcpRequestVlan(inMemory(arena, dhcp), 3, 45)).isEqualTo(-1);
    }
  }

  @Test
  void framesOfAServedVlanThatAreNotForTheServerAreDroppedWithoutAllocating() {
    try (Arena arena = Arena.ofConfined();
        SwitchDhcpPort port =
            new SwitchDhcpPort(
                "dhcp",
                (vlan, mac) -> Optional.empty(),
                MacAddress.parse("02:00:00:00:00:fe"),
                8)) {
      MemorySegment toClient = inMemory(arena, taggedUdp(68));
      byte[] other = TestFrames.tagged("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 10, 46);
      MemorySegment otherFrame = inMemory(arena, other);
      // VLAN 10 is served, with an address of its own: ARP for another address is not for it.
      port.serve(10, responder(), Optional.of(Ipv4Address.parse("10.0.10.254")));
      byte[] arp = taggedArpFor("10.0.10.7");
      MemorySegment request = inMemory(arena, arp);
      int length = taggedUdp(68).length;
      for (int i = 0; i < 20_000; i++) {
        port.transmit(toClient, 3, length);
        port.transmit(otherFrame, 3, other.length);
        port.transmit(request, 3, arp.length);
      }
      long before = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 20_000; i++) {
        port.transmit(toClient, 3, length);
        port.transmit(otherFrame, 3, other.length);
        port.transmit(request, 3, arp.length);
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

      assertThat(port.counters().ignoredFrames()).isEqualTo(120_000);
      assertThat(port.counters().requestsHandled()).isZero();
      assertThat(allocated).as("bytes allocated for 60,000 frames").isLessThan(1_000);
    }
  }
}
