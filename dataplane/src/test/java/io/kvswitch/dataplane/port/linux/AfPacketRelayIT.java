package io.kvswitch.dataplane.port.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.Traffic;
import io.kvswitch.dataplane.testing.Veth;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two namespaces on one subnet, each on a veth whose host end is an {@link AfPacketPort}, joined by
 * a {@link PortRelay}: whatever works end to end here works through the ports alone.
 */
@ExtendWith(NetworkLabExtension.class)
class AfPacketRelayIT {

  private static final int TRANSFER_BYTES = 8 * 1024 * 1024;

  @Test
  void pingCrossesTheRelay(NetworkLab lab) {
    try (Wire wire = Wire.build(lab, AfPacketOptions.defaults())) {
      Traffic.assertPingSucceeds(wire.left, "10.78.0.2", 5);
      Traffic.assertPingSucceeds(wire.right, "10.78.0.1", 5);
      assertThat(wire.relay.refused()).isZero();
    }
  }

  /**
   * With offload headers the veths hand over TCP as 64 KiB GSO frames with checksums unfinished;
   * they must cross whole and come out as a correct byte stream.
   */
  @Test
  void aTcpTransferArrivesIntactWithGsoFramesCarriedWhole(NetworkLab lab, @TempDir Path dir) {
    try (Wire wire = Wire.build(lab, AfPacketOptions.defaults())) {
      Traffic.assertTcpTransferIntact(lab, wire.left, wire.right, "10.78.0.2", TRANSFER_BYTES, dir);
      assertThat(wire.relay.largestFrame()).isGreaterThan(1514);
      assertThat(wire.relay.refused()).isZero();
    }
  }

  /** The same with TPACKET_V2 rings, which hand over each frame at once, GSO frames included. */
  @Test
  void pingAndTcpCrossARelayOfLowLatencyPorts(NetworkLab lab, @TempDir Path dir) {
    try (Wire wire = Wire.build(lab, AfPacketOptions.lowLatency())) {
      Traffic.assertPingSucceeds(wire.left, "10.78.0.2", 5);
      Traffic.assertTcpTransferIntact(lab, wire.left, wire.right, "10.78.0.2", TRANSFER_BYTES, dir);
      assertThat(wire.relay.largestFrame()).isGreaterThan(1514);
      assertThat(wire.relay.refused()).isZero();
      assertThat(wire.leftPort.counters().rxTruncated()).isZero();
      assertThat(wire.rightPort.counters().rxTruncated()).isZero();
    }
  }

  /**
   * TPACKET_V2 with 2 KiB slots: GSO frames do not fit a slot, so they come through the socket's
   * queue; the byte stream must still arrive intact and nothing may be cut.
   */
  @Test
  void pingAndTcpCrossARelayOfPerFramePortsWithGsoFramesThroughTheSocket(
      NetworkLab lab, @TempDir Path dir) {
    try (Wire wire = Wire.build(lab, AfPacketOptions.perFrame())) {
      Traffic.assertPingSucceeds(wire.left, "10.78.0.2", 5);
      Traffic.assertTcpTransferIntact(lab, wire.left, wire.right, "10.78.0.2", TRANSFER_BYTES, dir);
      assertThat(wire.relay.largestFrame()).isGreaterThan(2048);
      assertThat(wire.relay.refused()).isZero();
      assertThat(wire.leftPort.counters().rxTruncated()).isZero();
      assertThat(wire.rightPort.counters().rxTruncated()).isZero();
    }
  }

  /**
   * Without offload headers TCP only works when the namespaces' interfaces do segmentation and
   * checksums themselves: {@link InterfaceOffloads} switches that on, from inside the namespace.
   */
  @Test
  void withoutOffloadHeadersTcpWorksOnceTheInterfacesOffloadNothing(
      NetworkLab lab, @TempDir Path dir) {
    try (Wire wire = Wire.build(lab, AfPacketOptions.defaults().withOffloads(false))) {
      for (Veth veth : List.of(wire.leftVeth, wire.rightVeth)) {
        veth.namespace()
            .call(
                () -> {
                  InterfaceOffloads.disable(veth.peerName());
                  return null;
                });
        String features = veth.namespace().execOk("ethtool", "-k", veth.peerName()).stdout();
        assertThat(features.lines())
            .contains(
                "tx-checksumming: off",
                "\ttx-tcp-segmentation: off",
                "\ttx-tcp6-segmentation: off",
                "generic-segmentation-offload: off");
      }
      Traffic.assertTcpTransferIntact(lab, wire.left, wire.right, "10.78.0.2", TRANSFER_BYTES, dir);
      assertThat(wire.relay.largestFrame()).isLessThanOrEqualTo(1514);
      assertThat(wire.relay.refused()).isZero();
    }
  }

  /** left (10.78.0.1) and right (10.78.0.2), relayed through two AF_PACKET ports. */
  private static final class Wire implements AutoCloseable {
    final NetNamespace left;
    final NetNamespace right;
    final Veth leftVeth;
    final Veth rightVeth;
    final AfPacketPort leftPort;
    final AfPacketPort rightPort;
    final PortRelay relay;

    private Wire(NetworkLab lab, AfPacketOptions options) {
      left = lab.namespace("l");
      right = lab.namespace("r");
      leftVeth = lab.attach(left, "lh", "lp", "02:4b:56:00:01:01", "10.78.0.1/24");
      rightVeth = lab.attach(right, "rh", "rp", "02:4b:56:00:01:02", "10.78.0.2/24");
      leftPort = AfPacketPort.open(leftVeth.hostName(), options);
      lab.onClose("port " + leftPort.name(), leftPort::close);
      rightPort = AfPacketPort.open(rightVeth.hostName(), options);
      lab.onClose("port " + rightPort.name(), rightPort::close);
      relay = PortRelay.start(leftPort, rightPort);
    }

    static Wire build(NetworkLab lab, AfPacketOptions options) {
      return new Wire(lab, options);
    }

    @Override
    public void close() {
      try {
        relay.close();
      } finally {
        leftPort.close();
        rightPort.close();
      }
    }
  }
}
