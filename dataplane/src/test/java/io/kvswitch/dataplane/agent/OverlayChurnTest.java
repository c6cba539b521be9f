package io.kvswitch.dataplane.agent;

import static io.kvswitch.dataplane.agent.States.port;
import static io.kvswitch.dataplane.agent.States.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.api.v1alpha1.OverlaySpec;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Peers added, removed and retagged while both switches forward on their own threads and the tunnel
 * receives on its event loop: local forwarding loses nothing and no thread fails.
 */
class OverlayChurnTest {

  private static final String A_IP = "127.0.0.1";
  private static final String B_IP = "127.0.0.2";
  private static final String MAC_A10 = "02:00:00:0a:10:01";
  private static final String MAC_A11 = "02:00:00:0a:10:02";
  private static final String MAC_A20 = "02:00:00:0a:20:01";
  private static final String MAC_B20 = "02:00:00:0b:20:01";
  private static final int LOCAL_FRAMES = 20_000;
  private static final int CHANGES = 40;

  private final int udpPort = freeUdpPort();
  private final Map<String, InMemoryPort> podsA = new HashMap<>();
  private final Map<String, InMemoryPort> podsB = new HashMap<>();
  private final Bridge bridgeA = Bridge.builder().threads(1).build();
  private final Bridge bridgeB = Bridge.builder().threads(1).build();
  private final BridgeSwitchEngine engineA =
      new BridgeSwitchEngine(
          bridgeA,
          name -> podsA.computeIfAbsent(name, InMemoryPort::new),
          new OverlayAttachment(bridgeA, 1500));
  private final BridgeSwitchEngine engineB =
      new BridgeSwitchEngine(
          bridgeB,
          name -> podsB.computeIfAbsent(name, InMemoryPort::new),
          new OverlayAttachment(bridgeB, 1500));

  @AfterEach
  void close() {
    engineA.overlay().close();
    engineB.overlay().close();
    bridgeA.close();
    bridgeB.close();
  }

  private static int freeUdpPort() {
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress(A_IP, 0));
      return ((InetSocketAddress) probe.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private SwitchNodeStateSpec node(String name, String ip) {
    SwitchNodeStateSpec spec = spec("fabric", name);
    spec.setUnderlayIp(ip);
    OverlaySpec overlay = new OverlaySpec();
    overlay.setUdpPort(udpPort);
    spec.setOverlay(overlay);
    return spec;
  }

  /** Node A; in the "wide" shape it shares VLAN 20 with B and VLAN 10 with B and a node C. */
  private SwitchNodeStateSpec nodeA(boolean wide) {
    SwitchNodeStateSpec spec = node("node-a", A_IP);
    spec.getVlans()
        .add(
            wide
                ? OverlayPeersTest.vlan(10, "node-b@" + B_IP, "node-c@127.0.0.3")
                : OverlayPeersTest.vlan(10, "node-b@" + B_IP));
    spec.getVlans()
        .add(wide ? OverlayPeersTest.vlan(20, "node-b@" + B_IP) : OverlayPeersTest.vlan(20));
    spec.getPorts().add(port("apps/a10", 10, MAC_A10));
    spec.getPorts().add(port("apps/a11", 10, MAC_A11));
    spec.getPorts().add(port("apps/a20", 20, MAC_A20));
    return spec;
  }

  private SwitchNodeStateSpec nodeB() {
    SwitchNodeStateSpec spec = node("node-b", B_IP);
    spec.getVlans().add(OverlayPeersTest.vlan(10, "node-a@" + A_IP));
    spec.getVlans().add(OverlayPeersTest.vlan(20, "node-a@" + A_IP));
    spec.getPorts().add(port("apps/b20", 20, MAC_B20));
    return spec;
  }

  private static InMemoryPort pod(Map<String, InMemoryPort> pods, String name) {
    return pods.get(HostInterfaces.forPort(name));
  }

  @Test
  void localForwardingLosesNothingWhilePeersChangeUnderTraffic() throws InterruptedException {
    StateApplier applierA = new StateApplier(engineA);
    StateApplier applierB = new StateApplier(engineB);
    assertThat(applierA.apply(DesiredState.of(1, nodeA(true))).failures()).isEmpty();
    assertThat(applierB.apply(DesiredState.of(1, nodeB())).failures()).isEmpty();
    bridgeA.start();
    bridgeB.start();
    InMemoryPort a10 = pod(podsA, "apps/a10");
    InMemoryPort a11 = pod(podsA, "apps/a11");
    InMemoryPort a20 = pod(podsA, "apps/a20");
    InMemoryPort b20 = pod(podsB, "apps/b20");
    // a11 announces itself, so a10's frames to it are known unicast from then on.
    a11.inject(TestFrames.untagged("ff:ff:ff:ff:ff:ff", MAC_A11, 46));
    await().atMost(Duration.ofSeconds(10)).until(() -> a10.sentCount() == 1);

    AtomicBoolean churning = new AtomicBoolean(true);
    Thread local =
        Thread.ofPlatform()
            .start(
                () -> {
                  byte[] frame = TestFrames.untagged(MAC_A11, MAC_A10, 46);
                  for (int i = 0; i < LOCAL_FRAMES; i++) {
                    a10.inject(frame);
                    if (i % 256 == 0) {
                      Thread.yield();
                    }
                  }
                });
    Thread remote =
        Thread.ofPlatform()
            .start(
                () -> {
                  byte[] frame = TestFrames.untagged("ff:ff:ff:ff:ff:ff", MAC_B20, 46);
                  while (churning.get()) {
                    // Keep a few frames waiting, no more: the point is traffic during changes.
                    if (b20.pendingInbound() < 64) {
                      b20.inject(frame);
                    } else {
                      Thread.yield();
                    }
                  }
                });
    for (int change = 0; change < CHANGES; change++) {
      boolean wide = change % 2 == 1;
      ApplyResult result = applierA.apply(DesiredState.of(2 + change, nodeA(wide)));
      assertThat(result.failures()).as("change %d", change).isEmpty();
    }
    churning.set(false);
    local.join();
    remote.join();

    await().atMost(Duration.ofSeconds(30)).until(() -> a11.sentCount() == LOCAL_FRAMES + 0L);
    assertThat(a20.sentCount()).isPositive();
    assertThat(engineA.overlay().peerVlans()).containsOnlyKeys("node-b", "node-c");
    assertThat(bridgeA.workerErrors()).isZero();
    assertThat(bridgeB.workerErrors()).isZero();
    // The tunnel still delivers after all that: B's next broadcast reaches a20.
    int before = a20.sentCount();
    b20.inject(TestFrames.untagged("ff:ff:ff:ff:ff:ff", MAC_B20, 46));
    await().atMost(Duration.ofSeconds(10)).until(() -> a20.sentCount() > before);
  }
}
