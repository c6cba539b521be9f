package io.kvswitch.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.FakeClock;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.frame.TagEdit;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingCoreTest {

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final String MULTICAST = "01:00:5e:00:00:01";
  private static final String A = "02:00:00:00:00:0a";
  private static final String B = "02:00:00:00:00:0b";
  private static final String C = "02:00:00:00:00:0c";

  // 0, 1, 3: access VLAN 10; 2: access VLAN 20; 4: trunk 10,20 without native VLAN;
  // 5: trunk 20 with native VLAN 30; 6: access VLAN 30.
  private static final PortVlanConfig[] PORTS = {
    PortVlanConfig.access(10),
    PortVlanConfig.access(10),
    PortVlanConfig.access(20),
    PortVlanConfig.access(10),
    PortVlanConfig.trunk(VlanSet.parse("10,20"), 0),
    PortVlanConfig.trunk(VlanSet.of(20), 30),
    PortVlanConfig.access(30),
  };

  private final FakeClock clock = new FakeClock();
  private final ForwardingCore core = new ForwardingCore(8, MacTableSettings.DEFAULTS);
  private final ForwardingResult result = new ForwardingResult(8);

  ForwardingCoreTest() {
    for (int port = 0; port < PORTS.length; port++) {
      core.setPort(port, PORTS[port], StormControlSettings.UNLIMITED);
    }
  }

  private ForwardingResult process(int ingress, byte[] frame) {
    MemorySegment segment = TestFrames.inNativeMemory(frame, 5);
    core.process(ingress, segment, 5, frame.length, clock.getAsLong(), result);
    return result;
  }

  private static List<String> outputs(ForwardingResult result) {
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < result.outputCount(); i++) {
      TagEdit edit = result.tagEdit(i);
      String vid = edit == TagEdit.PUSH || edit == TagEdit.REWRITE ? " " + result.egressVid(i) : "";
      outputs.add(result.port(i) + " " + edit + vid);
    }
    return outputs;
  }

  @Test
  void floodsBroadcastOnlyToOtherPortsOfTheSameVlan() {
    assertThat(outputs(process(0, TestFrames.untagged(BROADCAST, A, 46))))
        .containsExactly("1 KEEP", "3 KEEP", "4 PUSH 10");
    assertThat(result.vlan()).isEqualTo(10);
    assertThat(result.flooded()).isTrue();

    assertThat(outputs(process(4, TestFrames.tagged(BROADCAST, B, 20, 46))))
        .containsExactly("2 POP", "5 KEEP");
    assertThat(outputs(process(5, TestFrames.untagged(MULTICAST, C, 46))))
        .containsExactly("6 KEEP");
    assertThat(outputs(process(5, TestFrames.tagged(MULTICAST, C, 30, 46))))
        .as("a frame tagged with the native VLAN is taken and leaves untagged")
        .containsExactly("6 POP");
    assertThat(outputs(process(6, TestFrames.untagged(B, A, 46)))).containsExactly("5 KEEP");
  }

  @Test
  void noFrameEverLeavesOnAPortOfAnotherVlan() {
    String[] destinations = {BROADCAST, MULTICAST, A, B, C, "02:00:00:00:00:99"};
    int[] tags = {-1, 0, 10, 20, 30, 40};
    for (int ingress = 0; ingress < PORTS.length; ingress++) {
      for (String destination : destinations) {
        for (int tag : tags) {
          for (String source : new String[] {A, B, C}) {
            if (source.equals(destination)) {
              continue;
            }
            byte[] frame =
                tag < 0
                    ? TestFrames.untagged(destination, source, 46)
                    : TestFrames.tagged(destination, source, tag, 46);
            process(ingress, frame);
            if (result.isDropped()) {
              continue;
            }
            int vlan = result.vlan();
            int expectedVlan =
                switch (PORTS[ingress]) {
                  case PortVlanConfig.Access access -> access.vlan();
                  case PortVlanConfig.Trunk trunk -> tag > 0 ? tag : trunk.nativeVlan();
                };
            assertThat(vlan).isEqualTo(expectedVlan);
            for (int i = 0; i < result.outputCount(); i++) {
              int egress = result.port(i);
              assertThat(egress).isNotEqualTo(ingress);
              assertThat(PORTS[egress].carries(vlan))
                  .as("port %d carries VLAN %d", egress, vlan)
                  .isTrue();
            }
          }
        }
      }
    }
  }

  @Test
  void aLearnedDestinationGetsTheFrameAloneAndIsNotFlooded() {
    process(1, TestFrames.untagged(BROADCAST, B, 46));

    assertThat(outputs(process(0, TestFrames.untagged(B, A, 46)))).containsExactly("1 KEEP");
    assertThat(result.flooded()).isFalse();
    assertThat(outputs(process(4, TestFrames.tagged(A, C, 10, 46)))).containsExactly("0 POP");
  }

  @Test
  void theSameMacInAnotherVlanIsAnotherStation() {
    process(1, TestFrames.untagged(BROADCAST, B, 46));

    assertThat(outputs(process(4, TestFrames.tagged(B, A, 20, 46))))
        .containsExactly("2 POP", "5 KEEP");
  }

  @Test
  void tagsArePushedPoppedAndRewrittenAtTheEdge() {
    process(4, TestFrames.tagged(BROADCAST, C, 10, 46));
    process(6, TestFrames.untagged(BROADCAST, B, 46));
    process(1, TestFrames.untagged(BROADCAST, A, 46));

    assertThat(outputs(process(0, TestFrames.untagged(C, "02:00:00:00:00:01", 46))))
        .containsExactly("4 PUSH 10");
    assertThat(outputs(process(5, TestFrames.untagged(B, "02:00:00:00:00:02", 46))))
        .containsExactly("6 KEEP");
    assertThat(outputs(process(4, TestFrames.tagged(A, "02:00:00:00:00:03", 10, 46))))
        .containsExactly("1 POP");
    // Priority-tagged frames (VID 0) belong to the port's VLAN.
    assertThat(outputs(process(3, TestFrames.tagged(C, "02:00:00:00:00:04", 5, 0, 46))))
        .containsExactly("4 REWRITE 10");
    assertThat(outputs(process(3, TestFrames.tagged(A, "02:00:00:00:00:04", 5, 0, 46))))
        .containsExactly("1 POP");
  }

  @Test
  void eachGuardDropsWithItsOwnReason() {
    process(1, TestFrames.untagged(BROADCAST, B, 46));

    assertThat(process(0, new byte[13]).dropReason()).isEqualTo(DropReason.RUNT);
    byte[] cutTag = Arrays.copyOf(TestFrames.tagged(B, A, 10, 0), 16);
    assertThat(process(4, cutTag).dropReason()).isEqualTo(DropReason.BAD_VLAN_TAG);
    assertThat(process(4, TestFrames.tagged(B, A, 4095, 46)).dropReason())
        .isEqualTo(DropReason.BAD_VLAN_TAG);
    assertThat(process(0, TestFrames.tagged(B, A, 10, 46)).dropReason())
        .isEqualTo(DropReason.TAGGED_ON_ACCESS_PORT);
    assertThat(process(4, TestFrames.tagged(B, A, 30, 46)).dropReason())
        .isEqualTo(DropReason.VLAN_NOT_ALLOWED);
    assertThat(process(4, TestFrames.untagged(B, A, 46)).dropReason())
        .isEqualTo(DropReason.UNTAGGED_WITHOUT_NATIVE_VLAN);
    assertThat(process(7, TestFrames.untagged(B, A, 46)).dropReason())
        .isEqualTo(DropReason.UNKNOWN_INGRESS_PORT);
    assertThat(process(0, TestFrames.untagged(B, "03:00:00:00:00:01", 46)).dropReason())
        .isEqualTo(DropReason.SOURCE_MAC_MULTICAST);
    assertThat(process(0, TestFrames.untagged(B, "00:00:00:00:00:00", 46)).dropReason())
        .isEqualTo(DropReason.SOURCE_MAC_ZERO);
    assertThat(process(0, TestFrames.untagged("01:80:c2:00:00:00", A, 46)).dropReason())
        .isEqualTo(DropReason.LINK_LOCAL_DESTINATION);
    assertThat(process(3, TestFrames.untagged(B, A, 46)).outputCount()).isEqualTo(1);
    assertThat(process(3, TestFrames.untagged(A, C, 46)).dropReason())
        .isEqualTo(DropReason.DESTINATION_ON_INGRESS_PORT);
    core.setPort(7, PortVlanConfig.access(99), StormControlSettings.UNLIMITED);
    assertThat(process(7, TestFrames.untagged(BROADCAST, A, 46)).dropReason())
        .isEqualTo(DropReason.NO_EGRESS_PORT);

    assertThat(outputs(process(0, TestFrames.untagged(BROADCAST, C, 46))))
        .as("forwarding goes on after drops")
        .containsExactly("1 KEEP", "3 KEEP", "4 PUSH 10");
  }

  @Test
  void stormControlLimitsEachFloodClassPerPort() {
    core.setPort(0, PortVlanConfig.access(10), new StormControlSettings(10, 20, 10, 2));
    process(1, TestFrames.untagged(BROADCAST, B, 46));

    List<DropReason> broadcast = new ArrayList<>();
    List<DropReason> unknown = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      broadcast.add(process(0, TestFrames.untagged(BROADCAST, A, 46)).dropReason());
      unknown.add(process(0, TestFrames.untagged(C, A, 46)).dropReason());
    }
    assertThat(broadcast).containsExactly(null, null, DropReason.STORM_BROADCAST);
    assertThat(unknown).containsExactly(null, null, DropReason.STORM_UNKNOWN_UNICAST);
    for (int i = 0; i < 5; i++) {
      assertThat(process(0, TestFrames.untagged(B, A, 46)).isDropped())
          .as("known unicast is never limited")
          .isFalse();
    }
    assertThat(process(0, TestFrames.untagged(MULTICAST, A, 46)).isDropped()).isFalse();
    assertThat(process(3, TestFrames.untagged(BROADCAST, C, 46)).isDropped())
        .as("other ports have their own buckets")
        .isFalse();

    clock.advance(Duration.ofMillis(100));
    assertThat(process(0, TestFrames.untagged(BROADCAST, A, 46)).isDropped()).isFalse();
    assertThat(process(0, TestFrames.untagged(BROADCAST, A, 46)).dropReason())
        .isEqualTo(DropReason.STORM_BROADCAST);

    clock.advance(Duration.ofSeconds(10));
    broadcast.clear();
    for (int i = 0; i < 3; i++) {
      broadcast.add(process(0, TestFrames.untagged(BROADCAST, A, 46)).dropReason());
    }
    assertThat(broadcast)
        .as("a quiet port refills to the burst, no more")
        .containsExactly(null, null, DropReason.STORM_BROADCAST);
  }

  @Test
  void multicastHasItsOwnStormLimit() {
    core.setPort(0, PortVlanConfig.access(10), new StormControlSettings(0, 1, 0, 1));

    assertThat(process(0, TestFrames.untagged(MULTICAST, A, 46)).isDropped()).isFalse();
    assertThat(process(0, TestFrames.untagged(MULTICAST, A, 46)).dropReason())
        .isEqualTo(DropReason.STORM_MULTICAST);
    assertThat(process(0, TestFrames.untagged(BROADCAST, A, 46)).isDropped()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(process(0, TestFrames.untagged(MULTICAST, A, 46)).isDropped()).isFalse();
  }

  @Test
  void aMacMovesToTheNewPortAtOnce() {
    process(1, TestFrames.untagged(BROADCAST, B, 46));
    process(3, TestFrames.untagged(BROADCAST, B, 46));

    assertThat(outputs(process(0, TestFrames.untagged(B, A, 46)))).containsExactly("3 KEEP");
  }

  @Test
  void anAgedOutDestinationIsFloodedAgain() {
    core.macTable().learn(10, 0x0200_0000_000bL, 1, clock.getAsLong());
    clock.advance(Duration.ofSeconds(301));

    assertThat(outputs(process(0, TestFrames.untagged(B, A, 46))))
        .containsExactly("1 KEEP", "3 KEEP", "4 PUSH 10");
  }

  @Test
  void aPortWithLearningOffIsReachedThroughStaticEntriesOrByFlooding() {
    process(1, TestFrames.untagged(BROADCAST, B, 46));
    core.setLearning(1, false);
    assertThat(core.isLearning(1)).isFalse();
    assertThat(core.macTable().sizeOfPort(1)).as("what it had learned is forgotten").isZero();

    process(1, TestFrames.untagged(BROADCAST, B, 46));
    assertThat(core.macTable().sizeOfPort(1)).as("learns nothing").isZero();
    assertThat(outputs(process(0, TestFrames.untagged(B, A, 46))))
        .as("so B is unknown and flooded")
        .containsExactly("1 KEEP", "3 KEEP", "4 PUSH 10");

    core.macTable().addStatic(10, MacAddress.parse(B), 1);
    assertThat(outputs(process(0, TestFrames.untagged(B, A, 46))))
        .as("a static entry reaches it")
        .containsExactly("1 KEEP");
    assertThat(core.macTable().sizeOfPort(0)).as("the other ports still learn").isEqualTo(1);

    core.removePort(1);
    core.setPort(1, PORTS[1], StormControlSettings.UNLIMITED);
    assertThat(core.isLearning(1)).as("a port plugged in at the freed index learns").isTrue();
  }
}
