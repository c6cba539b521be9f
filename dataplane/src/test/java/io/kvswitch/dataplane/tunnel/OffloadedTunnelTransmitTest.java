package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.FakeClock;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.bridge.HeaderCarryingPort;
import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.frame.MacAddress;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pod with offloads on (its port carries virtio_net_hdr) sends through the tunnel: GSO frames are
 * cut into segments that fit the underlay, unfinished checksums are finished, and what cannot be
 * made complete is counted under its reason and never sent.
 */
class OffloadedTunnelTransmitTest {

  private static final String REMOTE = "02:00:00:00:00:0b";

  private final HeaderCarryingPort pod = new HeaderCarryingPort("pod");
  private final RecordingDatagramBatch toB = new RecordingDatagramBatch(64, 2048);
  private VxlanPeerPort b;
  private Bridge bridge;

  @BeforeEach
  void setUp() {
    b = TunnelFixture.peer("node-b", "198.18.0.2", "10", 64, toB);
    bridge =
        Bridge.builder()
            .clock(new FakeClock())
            .threads(1)
            .addPort(pod, PortVlanConfig.access(10))
            .addPort(b, PortVlanConfig.trunk(b.vlans(), 0), StormControlSettings.UNLIMITED, 1)
            .build();
    bridge
        .core()
        .macTable()
        .addStatic(10, MacAddress.parse(REMOTE), bridge.portIndex("vxlan:node-b"));
  }

  @AfterEach
  void tearDown() {
    bridge.close();
  }

  private void send(GsoFrames.Offloaded frame) {
    pod.inject(frame.header(), frame.frame());
    bridge.pollOnce();
  }

  @Test
  void aGsoFrameIsCutIntoVxlanDatagramsOfCompleteSegmentsSentAsUdpGsoRuns() {
    // MSS 1398: 14 + 20 + 32 + 1398 = 1464, the longest inner frame of a 1500-byte underlay.
    send(GsoFrames.tcp(false, -1, 65_000, 1398, GsoFrames.TCP_ACK | GsoFrames.TCP_PSH));

    List<byte[]> datagrams = toB.take();
    assertThat(datagrams).hasSize(47);
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    for (int i = 0; i < datagrams.size(); i++) {
      byte[] datagram = datagrams.get(i);
      assertThat(vni(datagram)).isEqualTo(10_010);
      byte[] inner = Arrays.copyOfRange(datagram, VxlanHeader.LENGTH, datagram.length);
      assertThat(inner.length).isLessThanOrEqualTo(TunnelFixture.MAX_INNER_FRAME);
      assertThat(inner[12] & 0xff).as("untagged inside VXLAN").isEqualTo(0x08);
      GsoFrames.Segment segment = GsoFrames.read(inner);
      assertThat(segment.tcpChecksumValid()).isTrue();
      assertThat(segment.ipChecksumValid()).isTrue();
      assertThat(segment.sequence()).isEqualTo(GsoFrames.SEQUENCE + 1398L * i);
      assertThat(segment.tcpFlags() & GsoFrames.TCP_PSH).isEqualTo(i == 46 ? GsoFrames.TCP_PSH : 0);
      payload.writeBytes(segment.payload());
    }
    assertThat(payload.size()).isEqualTo(65_000);
    // At most 44 datagrams of 1472 bytes fit one 64 KiB UDP GSO send.
    assertThat(toB.takeRuns()).containsExactly(44, 3);
    assertThat(b.txSegmentedFrames()).isEqualTo(1);
    assertThat(b.txDatagrams()).isEqualTo(47);
    assertThat(bridge.portStats(1).txBytes()).isEqualTo(65_000 + 18 + 20 + 32);
  }

  @Test
  void moreSegmentsThanTheBatchHoldsGoOutInSeveralSends() {
    RecordingDatagramBatch small = new RecordingDatagramBatch(8, 2048);
    VxlanPeerPort port = TunnelFixture.peer("node-c", "198.18.0.3", "10", 64, small);
    GsoFrames.Offloaded frame = GsoFrames.tcp(false, 10, 20_000, 1398, GsoFrames.TCP_ACK);
    java.lang.foreign.MemorySegment buffer =
        java.lang.foreign.MemorySegment.ofArray(frame.headerAndFrame());

    assertThat(port.transmitOffloaded(buffer, VirtioNetHeader.LENGTH, frame.frame().length))
        .isTrue();
    port.flushTransmit();

    assertThat(small.take()).hasSize(15);
    assertThat(small.takeRuns()).containsExactly(8, 7);
  }

  @Test
  void anUnfinishedChecksumIsFinishedBeforeEncapsulation() {
    GsoFrames.Offloaded partial = GsoFrames.tcp(false, -1, 333, 0, GsoFrames.TCP_ACK);
    partial.header()[1] = VirtioNetHeader.GSO_NONE;

    send(partial);

    List<byte[]> datagrams = toB.take();
    assertThat(datagrams).hasSize(1);
    byte[] inner =
        Arrays.copyOfRange(datagrams.get(0), VxlanHeader.LENGTH, datagrams.get(0).length);
    assertThat(inner).hasSize(partial.frame().length);
    assertThat(GsoFrames.read(inner).tcpChecksumValid()).isTrue();
    assertThat(b.txChecksumsFinished()).isEqualTo(1);
  }

  @Test
  void aGsoFrameWhoseSegmentsWouldNotFitTheUnderlayIsCountedAndNotSent() {
    send(GsoFrames.tcp(false, -1, 10_000, 1399, GsoFrames.TCP_ACK));

    assertThat(toB.take()).isEmpty();
    assertThat(b.txDrops(VxlanTxDrop.SEGMENT_EXCEEDS_UNDERLAY_MTU)).isEqualTo(1);
    assertThat(bridge.portStats(1).drops())
        .containsExactlyEntriesOf(Map.of(DropReason.TRANSMIT_REFUSED, 1L));
  }

  @Test
  void gsoTypesTheTunnelCannotCutAndMalformedHeadersAreCountedApart() {
    GsoFrames.Offloaded udp = GsoFrames.tcp(false, -1, 3000, 1000, GsoFrames.TCP_ACK);
    udp.header()[1] = VirtioNetHeader.GSO_UDP_L4;
    GsoFrames.Offloaded wrongIp = GsoFrames.tcp(false, -1, 3000, 1000, GsoFrames.TCP_ACK);
    wrongIp.header()[1] = VirtioNetHeader.GSO_TCPV6;
    GsoFrames.Offloaded checksumOutside = GsoFrames.tcp(false, -1, 100, 0, GsoFrames.TCP_ACK);
    checksumOutside.header()[1] = VirtioNetHeader.GSO_NONE;
    checksumOutside.header()[8] = (byte) 200; // the field would be past the end of the frame

    send(udp);
    send(wrongIp);
    send(checksumOutside);

    assertThat(toB.take()).isEmpty();
    assertThat(b.txDrops(VxlanTxDrop.UNSUPPORTED_GSO_TYPE)).isEqualTo(1);
    assertThat(b.txDrops(VxlanTxDrop.MALFORMED_OFFLOAD_HEADER)).isEqualTo(2);
    assertThat(bridge.portStats(1).drops())
        .containsExactlyEntriesOf(Map.of(DropReason.TRANSMIT_REFUSED, 3L));
  }

  @Test
  void aCompleteFrameLongerThanTheUnderlayAllowsIsStillAnMtuDrop() {
    GsoFrames.Offloaded big = GsoFrames.tcp(false, -1, 1500, 0, GsoFrames.TCP_ACK);
    big.header()[0] = 0;
    big.header()[1] = VirtioNetHeader.GSO_NONE;

    send(big);

    assertThat(toB.take()).isEmpty();
    assertThat(bridge.portStats(1).drops())
        .containsExactlyEntriesOf(Map.of(DropReason.UNDERLAY_MTU_EXCEEDED, 1L));
  }

  private static int vni(byte[] datagram) {
    return (datagram[4] & 0xff) << 16 | (datagram[5] & 0xff) << 8 | (datagram[6] & 0xff);
  }
}
