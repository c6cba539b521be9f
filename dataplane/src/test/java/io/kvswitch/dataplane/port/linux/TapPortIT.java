package io.kvswitch.dataplane.port.linux;

import static io.kvswitch.dataplane.port.linux.TestFrames.EXPERIMENTAL;
import static io.kvswitch.dataplane.port.linux.TestFrames.hex;
import static io.kvswitch.dataplane.port.linux.TestFrames.mac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.port.VirtioNetHeader;
import io.kvswitch.dataplane.testing.Commands;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.Traffic;
import io.kvswitch.dataplane.testing.Veth;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link TapPort} whose device sits in a namespace, as a VM's or pod's interface would: frames
 * byte for byte both ways, link state, and real traffic to an {@link AfPacketPort} through a relay.
 */
@ExtendWith(NetworkLabExtension.class)
class TapPortIT {

  private static final String TAP_MAC = "02:4b:56:00:02:01";
  private static final byte[] SWITCH_SIDE_MAC = mac("02:4b:56:00:02:99");
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void exchangesFramesByteForByteWithTheNamespace(NetworkLab lab) {
    NetNamespace guest = lab.namespace("g");
    try (TapPort tap = openTap(lab, guest, "10.79.0.1/24");
        AfPacketPort inside = AfPacketPortIT.openInside(guest, tap.name(), false)) {
      guest.exec("arping", "-c", "1", "-w", "1", "-I", tap.name(), "10.79.0.9");
      FrameCollector fromGuest = receiveUntil(tap, 0x0806, 1);
      assertThat(hex(fromGuest.withEtherType(0x0806).getFirst()))
          .isEqualTo(
              hex(
                  TestFrames.arpRequest(
                      mac(TAP_MAC), "10.79.0.1", TestFrames.BROADCAST, "10.79.0.9")));

      byte[] toGuest = TestFrames.numbered(mac(TAP_MAC), SWITCH_SIDE_MAC, 1, 300);
      assertThat(tap.transmit(MemorySegment.ofArray(toGuest), 0, toGuest.length)).isTrue();
      tap.flushTransmit();
      FrameCollector seenInside = AfPacketPortIT.receiveUntil(inside, EXPERIMENTAL, 1);
      assertThat(seenInside.withEtherType(EXPERIMENTAL).stream().map(TestFrames::hex))
          .containsExactly(hex(toGuest));
      assertThat(tap.counters().txFrames()).isEqualTo(1);
    }
  }

  @Test
  void reportsTheLinkDownWhileTheDeviceIsDown(NetworkLab lab) {
    NetNamespace guest = lab.namespace("g");
    try (TapPort tap = openTap(lab, guest, "10.79.0.1/24")) {
      await().atMost(DEADLINE).until(tap::isLinkUp);
      guest.execOk("ip", "link", "set", tap.name(), "down");
      await().atMost(DEADLINE).until(() -> !tap.isLinkUp());
      guest.execOk("ip", "link", "set", tap.name(), "up");
      await().atMost(DEADLINE).until(tap::isLinkUp);
    }
  }

  @Test
  void closingThePortRemovesTheDevice(NetworkLab lab) {
    NetNamespace guest = lab.namespace("g");
    TapPort tap = openTap(lab, guest, "10.79.0.1/24");
    assertThat(guest.exec("ip", "link", "show", tap.name()).succeeded()).isTrue();
    tap.close();
    assertThat(guest.exec("ip", "link", "show", tap.name()).succeeded()).isFalse();
  }

  @Test
  void refusesRuntsAndCountsFramesTheKernelRejectsThenKeepsSending(NetworkLab lab) {
    NetNamespace guest = lab.namespace("g");
    try (TapPort tap = openTap(lab, guest, "10.79.0.1/24");
        AfPacketPort inside = AfPacketPortIT.openInside(guest, tap.name(), false)) {
      byte[] runt = new byte[13];
      assertThat(tap.transmit(MemorySegment.ofArray(runt), 0, runt.length)).isFalse();

      byte[] bad = new byte[VirtioNetHeader.LENGTH + 100];
      bad[1] = 0x42; // no such GSO type
      System.arraycopy(
          TestFrames.numbered(mac(TAP_MAC), SWITCH_SIDE_MAC, 1, 100),
          0,
          bad,
          VirtioNetHeader.LENGTH,
          100);
      assertThat(tap.transmitOffloaded(MemorySegment.ofArray(bad), VirtioNetHeader.LENGTH, 100))
          .isFalse();
      assertThat(tap.counters().txErrors()).isEqualTo(1);
      assertThat(tap.counters().lastTxErrno()).isEqualTo(22); // EINVAL

      byte[] good = TestFrames.numbered(mac(TAP_MAC), SWITCH_SIDE_MAC, 2, 100);
      assertThat(tap.transmit(MemorySegment.ofArray(good), 0, good.length)).isTrue();
      FrameCollector seenInside = AfPacketPortIT.receiveUntil(inside, EXPERIMENTAL, 1);
      assertThat(seenInside.withEtherType(EXPERIMENTAL).stream().map(TestFrames::hex))
          .containsExactly(hex(good));
    }
  }

  /**
   * TAP to veth through a relay, both ways: TCP leaves the TAP as GSO frames and must reach the
   * veth side whole, and the other way round.
   */
  @Test
  void pingAndTcpCrossARelayBetweenATapAndAnAfPacketPort(NetworkLab lab, @TempDir Path dir) {
    NetNamespace guest = lab.namespace("g");
    NetNamespace peer = lab.namespace("p");
    Veth veth = lab.attach(peer, "vh", "vp", "02:4b:56:00:02:02", "10.79.0.2/24");
    try (TapPort tap = openTap(lab, guest, "10.79.0.1/24");
        AfPacketPort port = AfPacketPort.open(veth.hostName(), AfPacketOptions.defaults());
        PortRelay relay = PortRelay.start(tap, port)) {
      Traffic.assertPingSucceeds(guest, "10.79.0.2", 5);
      Traffic.assertTcpTransferIntact(lab, guest, peer, "10.79.0.2", 8 * 1024 * 1024, dir);
      Traffic.assertTcpTransferIntact(lab, peer, guest, "10.79.0.1", 8 * 1024 * 1024, dir);
      assertThat(relay.largestFrame()).isGreaterThan(1514);
      assertThat(relay.refused()).isZero();
    }
  }

  /**
   * A TAP created from inside {@code namespace}, so the device lives there, with {@link #TAP_MAC},
   * {@code cidr}, no IPv6, and up.
   */
  private static TapPort openTap(NetworkLab lab, NetNamespace namespace, String cidr) {
    String name = lab.name("tap");
    namespace.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    namespace.execOk("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
    TapPort tap = namespace.call(() -> TapPort.open(name, true));
    try {
      for (List<String> command :
          List.of(
              List.of("ip", "link", "set", name, "address", TAP_MAC),
              List.of("ip", "addr", "add", cidr, "dev", name),
              List.of("ip", "link", "set", name, "up"))) {
        namespace.execOk(command.toArray(String[]::new));
      }
    } catch (RuntimeException e) {
      tap.close();
      throw e;
    }
    assertThat(tap.name()).isEqualTo(name);
    assertThat(Commands.run(List.of("ip", "link", "show", name)).succeeded())
        .as("the device lives in the namespace, not here")
        .isFalse();
    return tap;
  }

  private static FrameCollector receiveUntil(TapPort tap, int etherType, int count) {
    FrameCollector received = new FrameCollector();
    await()
        .atMost(DEADLINE)
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              tap.receiveBatch(received, 64);
              return received.withEtherType(etherType).size() >= count;
            });
    return received;
  }
}
