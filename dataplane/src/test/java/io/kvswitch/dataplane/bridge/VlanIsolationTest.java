package io.kvswitch.dataplane.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.EthernetFrame;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drives every kind of frame into every port of a switch with three VLANs and checks every frame
 * that comes out. Each source MAC names the port it was sent from and the VLAN it claims
 * (02:00:00:PP:VV:NN), so a frame that crossed VLANs or came back out its ingress port is caught.
 */
class VlanIsolationTest {

  private static final PortVlanConfig[] CONFIGS = {
    PortVlanConfig.access(10),
    PortVlanConfig.access(10),
    PortVlanConfig.access(20),
    PortVlanConfig.access(30),
    PortVlanConfig.trunk(VlanSet.parse("10,20"), 30),
    PortVlanConfig.trunk(VlanSet.parse("20,30"), 0),
  };
  private static final int[] VLANS = {10, 20, 30};

  @Test
  void noFrameLeavesOnAPortOfAnotherVlanOrOnItsIngressPort() {
    List<InMemoryPort> ports = new ArrayList<>();
    Bridge.Builder builder = Bridge.builder().threads(2);
    for (int i = 0; i < CONFIGS.length; i++) {
      InMemoryPort port = new InMemoryPort("p" + i);
      ports.add(port);
      builder.addPort(port, CONFIGS[i]);
    }
    try (Bridge bridge = builder.build()) {
      for (int round = 0; round < 2; round++) {
        for (int ingress = 0; ingress < CONFIGS.length; ingress++) {
          injectEverything(ports.get(ingress), ingress);
        }
        while (bridge.pollOnce() > 0) {
          // until every injected frame has been handled
        }
      }

      for (int egress = 0; egress < CONFIGS.length; egress++) {
        List<byte[]> sent = ports.get(egress).takeSent();
        assertThat(sent).as("frames out of port %d", egress).isNotEmpty();
        for (byte[] frame : sent) {
          MemorySegment segment = MemorySegment.ofArray(frame);
          long source = EthernetFrame.source(segment, 0);
          int sourcePort = (int) (source >>> 16) & 0xFF;
          int claimedVlan = (int) (source >>> 8) & 0xFF;
          boolean tagged = EthernetFrame.etherType(segment, 0) == EthernetFrame.ETHERTYPE_VLAN;
          int egressVlan =
              switch (CONFIGS[egress]) {
                case PortVlanConfig.Access access -> {
                  assertThat(tagged).as("access ports send untagged frames").isFalse();
                  yield access.vlan();
                }
                case PortVlanConfig.Trunk trunk ->
                    tagged
                        ? EthernetFrame.tci(segment, 0) & EthernetFrame.VID_MASK
                        : trunk.nativeVlan();
              };
          assertThat(sourcePort)
              .as("port %d sent back a frame it received", egress)
              .isNotEqualTo(egress);
          assertThat(CONFIGS[egress].carries(egressVlan)).isTrue();
          assertThat(egressVlan)
              .as("frame from %s out of port %d", MacAddress.format(source), egress)
              .isEqualTo(claimedVlan);
        }
      }
      assertThat(bridge.workerErrors()).isZero();
    }
  }

  /** Untagged and tagged (each VLAN, plus 40) frames to broadcast, multicast and stations. */
  private static void injectEverything(InMemoryPort port, int ingress) {
    String[] destinations = new String[2 + VLANS.length * CONFIGS.length];
    destinations[0] = "ff:ff:ff:ff:ff:ff";
    destinations[1] = "01:00:5e:00:00:05";
    int next = 2;
    for (int vlan : VLANS) {
      for (int p = 0; p < CONFIGS.length; p++) {
        destinations[next++] = station(p, vlan, 1);
      }
    }
    int untaggedVlan =
        switch (CONFIGS[ingress]) {
          case PortVlanConfig.Access access -> access.vlan();
          case PortVlanConfig.Trunk trunk -> trunk.nativeVlan() == 0 ? 99 : trunk.nativeVlan();
        };
    for (String destination : destinations) {
      port.inject(TestFrames.untagged(destination, station(ingress, untaggedVlan, 1), 46));
      for (int tag : new int[] {10, 20, 30, 40}) {
        port.inject(TestFrames.tagged(destination, station(ingress, tag, 1), tag, 46));
      }
      port.inject(TestFrames.tagged(destination, station(ingress, untaggedVlan, 2), 0, 46));
    }
  }

  private static String station(int port, int vlan, int number) {
    return MacAddress.format(0x0200_0000_0000L | ((long) port << 16) | ((long) vlan << 8) | number);
  }
}
