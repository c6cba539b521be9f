package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.FakeClock;
import io.kvswitch.dataplane.bridge.Bridge;
import io.kvswitch.dataplane.bridge.HeaderCarryingPort;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.frame.TcpSegmenter;
import io.kvswitch.dataplane.port.InMemoryPort;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TCP segments from a peer: joined into one GSO frame for a pod whose port carries offload headers,
 * and cut up again, unchanged, for a pod whose port does not.
 */
class OffloadedTunnelReceiveTest {

  private final HeaderCarryingPort offloading = new HeaderCarryingPort("offloading");
  private final InMemoryPort plain = new InMemoryPort("plain");
  private final RecordingDatagramBatch toB = TunnelFixture.batch();
  private VxlanPeerPort b;
  private VxlanDecapsulator decapsulator;
  private Bridge bridge;

  @BeforeEach
  void setUp() {
    b = TunnelFixture.peer("node-b", "198.18.0.2", "10,20", 64, toB);
    decapsulator = new VxlanDecapsulator(TunnelFixture.VNI_BASE, List.of(b));
    bridge =
        Bridge.builder()
            .clock(new FakeClock())
            .threads(1)
            .addPort(offloading, PortVlanConfig.access(10))
            .addPort(plain, PortVlanConfig.access(20))
            .addPort(b, PortVlanConfig.trunk(b.vlans(), 0), StormControlSettings.UNLIMITED, 1)
            .build();
  }

  @AfterEach
  void tearDown() {
    bridge.close();
  }

  @Test
  void segmentsOfOneFlowReachAnOffloadingPodAsOneGsoFrame() {
    GsoFrames.Offloaded original = GsoFrames.tcp(false, -1, 30_000, 1398, GsoFrames.TCP_ACK);
    List<byte[]> segments = segmentsOf(original);
    segments.forEach(segment -> receive(10_010, segment));

    bridge.pollOnce();

    List<byte[]> sent = offloading.takeSent();
    assertThat(sent).hasSize(1);
    byte[] header = Arrays.copyOf(sent.get(0), VirtioNetHeader.LENGTH);
    byte[] frame = Arrays.copyOfRange(sent.get(0), VirtioNetHeader.LENGTH, sent.get(0).length);
    assertThat(header).isEqualTo(original.header());
    assertThat(frame).hasSameSizeAs(original.frame());
    assertThat(Arrays.copyOfRange(frame, 66, frame.length))
        .isEqualTo(Arrays.copyOfRange(original.frame(), 66, frame.length));
    assertThat(b.rxCoalescedFrames()).isEqualTo(1);
    assertThat(b.rxCoalescedSegments()).isEqualTo(segments.size());
  }

  @Test
  void aPodWithoutOffloadHeadersGetsTheSegmentsAsTheyWereSent() {
    List<byte[]> segments = segmentsOf(GsoFrames.tcp(false, -1, 30_000, 1398, GsoFrames.TCP_ACK));
    segments.forEach(segment -> receive(10_020, segment));

    bridge.pollOnce();

    assertThat(plain.takeSent()).containsExactlyElementsOf(segments);
    assertThat(b.rxCoalescedFrames()).isEqualTo(1);
  }

  @Test
  void otherFramesReachAnOffloadingPodWithAPlainHeader() {
    byte[] arp =
        io.kvswitch.dataplane.TestFrames.untagged("ff:ff:ff:ff:ff:ff", "02:00:00:00:b0:01", 46);
    receive(10_010, arp);

    bridge.pollOnce();

    byte[] expected = new byte[VirtioNetHeader.LENGTH + arp.length];
    System.arraycopy(arp, 0, expected, VirtioNetHeader.LENGTH, arp.length);
    assertThat(offloading.takeSent()).containsExactly(expected);
  }

  private static List<byte[]> segmentsOf(GsoFrames.Offloaded offloaded) {
    MemorySegment input = MemorySegment.ofArray(offloaded.headerAndFrame());
    MemorySegment output = MemorySegment.ofArray(new byte[9000]);
    TcpSegmenter segmenter = new TcpSegmenter();
    int count =
        segmenter.prepare(input, VirtioNetHeader.LENGTH, offloaded.frame().length, 0, false, 9000);
    List<byte[]> segments = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int length = segmenter.write(i, output, 0);
      segments.add(output.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
    }
    return segments;
  }

  private void receive(int vni, byte[] inner) {
    MemorySegment datagram = TunnelFixture.datagram(TunnelFixture.header(0x08, vni), inner);
    assertThat(
            decapsulator.decapsulate(
                TunnelFixture.ipv4Int("198.18.0.2"), datagram, 0, (int) datagram.byteSize()))
        .isNull();
  }
}
