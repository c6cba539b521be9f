package io.kvswitch.dataplane.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.FakeClock;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.MacTableSettings;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BridgeTest {

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final String H1 = "02:00:00:00:00:01";
  private static final String H2 = "02:00:00:00:00:02";
  private static final String H3 = "02:00:00:00:00:03";

  private final FakeClock clock = new FakeClock();
  private final InMemoryPort h1 = new InMemoryPort("h1");
  private final InMemoryPort h2 = new InMemoryPort("h2");
  private final InMemoryPort h3 = new InMemoryPort("h3");
  private final InMemoryPort other = new InMemoryPort("other");
  private final InMemoryPort uplink = new InMemoryPort("uplink");
  private Bridge bridge;

  private Bridge build(int threads) {
    bridge =
        Bridge.builder()
            .clock(clock)
            .threads(threads)
            .addPort(h1, PortVlanConfig.access(10))
            .addPort(h2, PortVlanConfig.access(10))
            .addPort(h3, PortVlanConfig.access(10))
            .addPort(other, PortVlanConfig.access(20))
            .addPort(uplink, PortVlanConfig.trunk(VlanSet.parse("10,20"), 0))
            .build();
    return bridge;
  }

  @AfterEach
  void closeBridge() {
    if (bridge != null) {
      bridge.close();
    }
  }

  @Test
  void accessToTrunkPushesTheTagAndTrunkToAccessPopsItByteForByte() {
    build(1);
    byte[] fromH1 = TestFrames.untagged(BROADCAST, H1, 50);
    h1.inject(fromH1);
    bridge.pollOnce();

    assertThat(uplink.takeSent()).containsExactly(TestFrames.tagged(BROADCAST, H1, 10, 50));
    assertThat(h2.takeSent()).containsExactly(fromH1);
    assertThat(other.takeSent()).isEmpty();
    drainAll();

    uplink.inject(TestFrames.tagged(H1, "02:00:00:00:00:77", 3, 10, 60));
    bridge.pollOnce();

    assertThat(h1.takeSent()).containsExactly(TestFrames.untagged(H1, "02:00:00:00:00:77", 60));
    assertThat(h2.sentCount() + h3.sentCount() + other.sentCount()).isZero();
  }

  @Test
  void afterLearningUnicastIsNoLongerFloodedToAThirdPort() {
    build(1);
    h1.inject(TestFrames.untagged(H2, H1, 46));
    bridge.pollOnce();
    assertThat(h3.takeSent()).as("unknown unicast is flooded").hasSize(1);
    drainAll();

    h2.inject(TestFrames.untagged(H1, H2, 46));
    bridge.pollOnce();
    assertThat(h1.takeSent()).as("H1 was learned by its first frame").hasSize(1);
    for (int i = 0; i < 10; i++) {
      h1.inject(TestFrames.untagged(H2, H1, 46));
    }
    bridge.pollOnce();

    assertThat(h2.takeSent()).hasSize(10);
    assertThat(h3.takeSent()).isEmpty();
    assertThat(uplink.takeSent()).isEmpty();
    assertThat(bridge.macTableStats().entries()).isEqualTo(2);
  }

  @Test
  void countsEveryMalformedFrameUnderItsReasonAndKeepsForwarding() {
    build(1);
    h1.inject(new byte[0]);
    h1.inject(new byte[13]);
    h1.inject(TestFrames.tagged(H2, H1, 10, 46));
    h1.inject(TestFrames.untagged(H2, "01:00:00:00:00:01", 46));
    h1.inject(TestFrames.untagged(H2, "00:00:00:00:00:00", 46));
    h1.inject(TestFrames.untagged("01:80:c2:00:00:02", H1, 46));
    uplink.inject(Arrays.copyOf(TestFrames.tagged(H2, H3, 10, 0), 17));
    uplink.inject(TestFrames.tagged(H2, H3, 4095, 46));
    uplink.inject(TestFrames.tagged(H2, H3, 30, 46));
    uplink.inject(TestFrames.untagged(H2, H3, 46));
    bridge.pollOnce();

    assertThat(bridge.portStats(0).drops())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                DropReason.RUNT, 2L,
                DropReason.TAGGED_ON_ACCESS_PORT, 1L,
                DropReason.SOURCE_MAC_MULTICAST, 1L,
                DropReason.SOURCE_MAC_ZERO, 1L,
                DropReason.LINK_LOCAL_DESTINATION, 1L));
    assertThat(bridge.portStats(4).drops())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                DropReason.BAD_VLAN_TAG, 2L,
                DropReason.VLAN_NOT_ALLOWED, 1L,
                DropReason.UNTAGGED_WITHOUT_NATIVE_VLAN, 1L));
    assertThat(bridge.portStats(0).rxPackets()).isEqualTo(6);
    assertThat(bridge.portStats(0).rxBytes()).isEqualTo(0 + 13 + 64 + 60 + 60 + 60);
    assertThat(h2.sentCount() + h3.sentCount() + other.sentCount() + uplink.sentCount()).isZero();

    h1.inject(TestFrames.untagged(H2, H1, 46));
    bridge.pollOnce();
    assertThat(h2.takeSent()).containsExactly(TestFrames.untagged(H2, H1, 46));
    assertThat(bridge.portStats(1).txPackets()).isEqualTo(1);
    assertThat(bridge.portStats(1).txBytes()).isEqualTo(60);
    assertThat(bridge.portStats(4).txBytes()).isEqualTo(64);
  }

  @Test
  void aFullTransmitQueueIsCountedAgainstTheEgressPort() {
    build(1);
    h2.setTransmitQueueLimit(2);
    for (int i = 0; i < 5; i++) {
      h1.inject(TestFrames.untagged(BROADCAST, H1, 46));
    }
    bridge.pollOnce();

    assertThat(h2.takeSent()).hasSize(2);
    assertThat(h3.takeSent()).hasSize(5);
    assertThat(bridge.portStats(1).drops())
        .containsExactly(Map.entry(DropReason.TRANSMIT_REFUSED, 3L));
    assertThat(bridge.portStats(1).txPackets()).isEqualTo(2);
  }

  @Test
  void idleEntriesAgeOutOnTheFakeClockAndTheDestinationIsFloodedAgain() {
    build(1);
    h2.inject(TestFrames.untagged(BROADCAST, H2, 46));
    bridge.pollOnce();
    drainAll();
    assertThat(bridge.macTableStats().entries()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(299));
    bridge.pollOnce();
    assertThat(bridge.macTableStats().entries()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(2));
    bridge.pollOnce();
    assertThat(bridge.macTableStats().entries()).isZero();
    assertThat(bridge.macTableStats().aged()).isEqualTo(1);

    h1.inject(TestFrames.untagged(H2, H1, 46));
    bridge.pollOnce();
    assertThat(h3.takeSent()).hasSize(1);
  }

  @Test
  void aFloodingPortLosesItsOwnEntriesFirstWhenTheTableIsFull() {
    bridge =
        Bridge.builder()
            .clock(clock)
            .threads(1)
            .macTable(new MacTableSettings(10, 8, Duration.ofSeconds(300)))
            .addPort(h1, PortVlanConfig.access(10))
            .addPort(h2, PortVlanConfig.access(10))
            .build();
    h2.inject(TestFrames.untagged(BROADCAST, H2, 46));
    for (int i = 0; i < 100; i++) {
      h1.inject(TestFrames.untagged(BROADCAST, MacAddress.format(0x0200_0000_1000L + i), 46));
    }
    pollUntilIdle();

    assertThat(bridge.core().macTable().sizeOfPort(0)).isEqualTo(8);
    assertThat(bridge.core().macTable().sizeOfPort(1)).isEqualTo(1);
    assertThat(bridge.macTableStats().evictedPortLimit()).isEqualTo(92);
    h1.takeSent();
    h2.takeSent();
    h1.inject(TestFrames.untagged(H2, H1, 46));
    bridge.pollOnce();
    assertThat(h2.takeSent()).hasSize(1);
  }

  @Test
  void forwardsOnItsOwnThreads() {
    build(2);
    assertThat(bridge.threadCount()).isEqualTo(2);
    bridge.start();
    h2.inject(TestFrames.untagged(BROADCAST, H2, 46));
    await().atMost(Duration.ofSeconds(10)).until(() -> h1.sentCount() == 1);

    for (int i = 0; i < 1000; i++) {
      h1.inject(TestFrames.untagged(H2, H1, 46));
      uplink.inject(TestFrames.tagged(H1, H3, 10, 46));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                bridge.portStats(1).txPackets() == 1000 && bridge.portStats(0).txPackets() == 1001);
    assertThat(h2.takeSent()).hasSize(1000);
    assertThat(other.sentCount()).isZero();
    assertThat(bridge.workerErrors()).isZero();
  }

  private void pollUntilIdle() {
    while (bridge.pollOnce() > 0) {
      // keep going: one poll takes at most one batch per port
    }
  }

  private void drainAll() {
    for (InMemoryPort port : new InMemoryPort[] {h1, h2, h3, other, uplink}) {
      port.takeSent();
    }
  }
}
