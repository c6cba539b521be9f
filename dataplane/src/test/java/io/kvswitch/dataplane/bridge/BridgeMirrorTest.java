package io.kvswitch.dataplane.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.FakeClock;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.metrics.PrometheusText;
import io.kvswitch.dataplane.mirror.MirrorRule;
import io.kvswitch.dataplane.mirror.MirrorStats;
import io.kvswitch.dataplane.mirror.TrafficFilter;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BridgeMirrorTest {

  private static final String H1 = "02:00:00:00:00:01";
  private static final String H2 = "02:00:00:00:00:02";
  private static final String FAR = "02:00:00:00:00:99";

  private final FakeClock clock = new FakeClock();
  private final InMemoryPort h1 = new InMemoryPort("h1");
  private final InMemoryPort h2 = new InMemoryPort("h2");
  private final InMemoryPort tap = new InMemoryPort("tap");
  private final InMemoryPort uplink = new InMemoryPort("uplink");
  private final MirrorStats stats = new MirrorStats("apps/span");
  private final Bridge bridge =
      Bridge.builder()
          .clock(clock)
          .threads(1)
          .addPort(h1, PortVlanConfig.access(10))
          .addPort(h2, PortVlanConfig.access(10))
          .addPort(tap, PortVlanConfig.access(10))
          .addPort(uplink, PortVlanConfig.trunk(VlanSet.of(10), 0))
          .build();

  @AfterEach
  void close() {
    bridge.close();
  }

  private void mirror(int[] receivedOn, int[] sentOn, int snapLength) {
    bridge
        .core()
        .setMirrors(
            List.of(
                new MirrorRule(
                    bridge.portIndex("tap"),
                    receivedOn,
                    sentOn,
                    TrafficFilter.ANY,
                    snapLength,
                    1,
                    stats)));
  }

  private void learn() {
    h1.inject(TestFrames.untagged("ff:ff:ff:ff:ff:ff", H1, 46));
    h2.inject(TestFrames.untagged("ff:ff:ff:ff:ff:ff", H2, 46));
    uplink.inject(TestFrames.tagged("ff:ff:ff:ff:ff:ff", FAR, 10, 46));
    bridge.pollOnce();
    h1.takeSent();
    h2.takeSent();
    tap.takeSent();
    uplink.takeSent();
  }

  @Test
  void theCopyIsTheFrameCutToTheSnapLengthAndTheOriginalIsWhole() {
    learn();
    mirror(new int[] {bridge.portIndex("h1")}, new int[0], 64);
    byte[] frame = TestFrames.untagged(H2, H1, 300);
    h1.inject(frame);
    bridge.pollOnce();

    assertThat(h2.takeSent()).containsExactly(frame);
    assertThat(tap.takeSent()).containsExactly(Arrays.copyOf(frame, 64));
    assertThat(stats.mirrored()).isOne();
    assertThat(stats.dropped()).isZero();
  }

  @Test
  void aSentFrameIsCopiedWithTheTagItLeftWithAndAShortFrameIsNotPadded() {
    learn();
    mirror(new int[0], new int[] {bridge.portIndex("uplink")}, 0);
    h1.inject(TestFrames.untagged(FAR, H1, 100));
    bridge.pollOnce();

    byte[] sent = TestFrames.tagged(FAR, H1, 10, 100);
    assertThat(uplink.takeSent()).containsExactly(sent);
    assertThat(tap.takeSent()).containsExactly(sent);

    mirror(new int[0], new int[] {bridge.portIndex("uplink")}, 64);
    h1.inject(TestFrames.untagged(FAR, H1, 30));
    bridge.pollOnce();
    assertThat(tap.takeSent())
        .as("shorter than the snap length: the whole frame")
        .containsExactly(TestFrames.tagged(FAR, H1, 10, 30));
    h1.inject(TestFrames.untagged(FAR, H1, 100));
    bridge.pollOnce();
    assertThat(tap.takeSent()).containsExactly(Arrays.copyOf(sent, 64));
    assertThat(stats.mirrored()).isEqualTo(3);
  }

  @Test
  void aCopyTheDestinationRefusesIsCountedDroppedAndTheOriginalStillGoes() {
    learn();
    mirror(new int[] {bridge.portIndex("h1")}, new int[0], 0);
    tap.setLinkUp(false);
    byte[] frame = TestFrames.untagged(H2, H1, 60);
    h1.inject(frame);
    bridge.pollOnce();

    assertThat(h2.takeSent()).containsExactly(frame);
    assertThat(tap.takeSent()).isEmpty();
    assertThat(stats.mirrored()).isZero();
    assertThat(stats.dropped()).isOne();
    assertThat(PrometheusText.render(bridge).lines())
        .contains(
            "kvswitch_mirror_packets_total{session=\"apps/span\",result=\"mirrored\"} 0",
            "kvswitch_mirror_packets_total{session=\"apps/span\",result=\"dropped\"} 1");
  }

  @Test
  void theAnalysersOwnTrafficGoesNowhere() {
    learn();
    mirror(new int[] {bridge.portIndex("h1")}, new int[] {bridge.portIndex("h1")}, 0);
    tap.inject(TestFrames.untagged("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:7a", 46));
    bridge.pollOnce();

    assertThat(h1.takeSent()).isEmpty();
    assertThat(h2.takeSent()).isEmpty();
    assertThat(uplink.takeSent()).isEmpty();
    assertThat(tap.takeSent()).isEmpty();
    assertThat(stats.mirrored()).isZero();
  }
}
