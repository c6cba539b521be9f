package io.kvswitch.dataplane.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Ports come and go while the switch runs, as workloads are plugged in and removed. */
class BridgePortChangesTest {

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final String H1 = "02:00:00:00:00:01";
  private static final String H3 = "02:00:00:00:00:03";

  private final InMemoryPort h1 = new InMemoryPort("h1");
  private final InMemoryPort h2 = new InMemoryPort("h2");

  @Test
  void plugsAndUnplugsPortsOnARunningSwitch() {
    try (Bridge bridge =
        Bridge.builder()
            .threads(2)
            .addPort(h1, PortVlanConfig.access(10))
            .addPort(h2, PortVlanConfig.access(10))
            .build()) {
      bridge.start();
      InMemoryPort h3 = new InMemoryPort("h3");
      int index = bridge.addPort(h3, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
      assertThat(index).isEqualTo(2);

      h3.inject(TestFrames.untagged(BROADCAST, H3, 46));
      await().atMost(Duration.ofSeconds(10)).until(() -> h1.sentCount() == 1);
      assertThat(bridge.portStats(2).macEntries()).isEqualTo(1);
      h1.inject(TestFrames.untagged(H3, H1, 46));
      await().atMost(Duration.ofSeconds(10)).until(() -> h3.sentCount() == 1);

      bridge.removePort(2);

      assertThat(h3.isClosed()).isTrue();
      assertThat(bridge.portCount()).isEqualTo(2);
      assertThat(bridge.core().macTable().sizeOfPort(2)).isZero();
      assertThatThrownBy(() -> bridge.portIndex("h3")).hasMessage("no port named 'h3'");
      h2.takeSent();
      h1.inject(TestFrames.untagged(H3, H1, 46));
      await("H3 is forgotten, so its frames are flooded again")
          .atMost(Duration.ofSeconds(10))
          .until(() -> h2.sentCount() == 1);
      assertThat(h3.sentCount()).isEqualTo(1);

      InMemoryPort h4 = new InMemoryPort("h4");
      assertThat(bridge.addPort(h4, PortVlanConfig.access(10), StormControlSettings.UNLIMITED))
          .as("the freed index is reused")
          .isEqualTo(2);
      PortStats fresh = bridge.portStats(2);
      assertThat(fresh.name()).isEqualTo("h4");
      assertThat(fresh.rxPackets() + fresh.txPackets() + fresh.totalDrops()).isZero();
      assertThat(bridge.workerErrors()).isZero();
    }
  }

  @Test
  void plugsAndUnplugsPortsBetweenPolls() {
    try (Bridge bridge =
        Bridge.builder().threads(1).addPort(h1, PortVlanConfig.access(10)).build()) {
      int index = bridge.addPort(h2, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
      h1.inject(TestFrames.untagged(BROADCAST, H1, 46));
      bridge.pollOnce();
      assertThat(h2.takeSent()).hasSize(1);

      bridge.removePort(index);
      h1.inject(TestFrames.untagged(BROADCAST, H1, 46));
      bridge.pollOnce();

      assertThat(bridge.portStats(0).drops())
          .as("no port left in the VLAN")
          .containsEntry(DropReason.NO_EGRESS_PORT, 1L);
      assertThat(bridge.portIndexes()).containsExactly(0);
    }
  }

  @Test
  void refusesDuplicateNamesAndAFullSwitch() {
    try (Bridge bridge =
        Bridge.builder().threads(1).maxPorts(2).addPort(h1, PortVlanConfig.access(10)).build()) {
      assertThatThrownBy(
              () ->
                  bridge.addPort(
                      new InMemoryPort("h1"),
                      PortVlanConfig.access(20),
                      StormControlSettings.UNLIMITED))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a port named 'h1' exists already");
      bridge.addPort(h2, PortVlanConfig.access(10), StormControlSettings.UNLIMITED);
      assertThatThrownBy(
              () ->
                  bridge.addPort(
                      new InMemoryPort("h3"),
                      PortVlanConfig.access(10),
                      StormControlSettings.UNLIMITED))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("all 2 port indexes are in use");
    }
  }
}
