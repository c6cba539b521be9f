package io.kvswitch.dataplane.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.dataplane.FakeClock;
import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.DropReason;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.GsoFrames;
import io.kvswitch.dataplane.port.InMemoryPort;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Frames that come with an offload header: passed on whole, header included, to ports that carry
 * one; finished or refused for ports that do not.
 */
class OffloadForwardingTest {

  private static final String A = "02:00:00:00:00:0a";
  private static final String B = "02:00:00:00:00:0b";
  private static final String UNKNOWN = "02:00:00:00:00:99";

  /** TCPv4 GSO, 54 bytes of headers, MSS 1448, checksum from 34 with the field at +16. */
  private static final byte[] GSO = {1, 1, 54, 0, (byte) 0xa8, 5, 34, 0, 16, 0};

  private static final byte[] GSO_TAGGED = {1, 1, 58, 0, (byte) 0xa8, 5, 38, 0, 16, 0};
  private static final byte[] CHECKSUM_ONLY = {1, 0, 0, 0, 0, 0, 34, 0, 16, 0};
  private static final byte[] PLAIN = new byte[10];

  private final HeaderCarryingPort a = new HeaderCarryingPort("a");
  private final HeaderCarryingPort b = new HeaderCarryingPort("b");
  private final InMemoryPort plain = new InMemoryPort("plain");
  private final HeaderCarryingPort trunk = new HeaderCarryingPort("trunk");
  private Bridge bridge;

  @BeforeEach
  void build() {
    bridge =
        Bridge.builder()
            .clock(new FakeClock())
            .threads(1)
            .addPort(a, PortVlanConfig.access(10))
            .addPort(b, PortVlanConfig.access(10))
            .addPort(plain, PortVlanConfig.access(10))
            .addPort(trunk, PortVlanConfig.trunk(VlanSet.parse("10"), 0))
            .build();
  }

  @AfterEach
  void close() {
    bridge.close();
  }

  @Test
  void aGsoFrameReachesAPortWithHeadersWholeAndUnchanged() {
    b.inject(PLAIN, TestFrames.untagged(A, B, 46));
    bridge.pollOnce();
    drain();
    byte[] gso = TcpFrames.frame(B, A, 20_000, true);

    a.inject(GSO, gso);
    bridge.pollOnce();

    assertThat(b.takeSent()).containsExactly(concat(GSO, gso));
    assertThat(bridge.portStats(1).txBytes()).isEqualTo(gso.length);
    assertThat(plain.sentCount()).isZero();
  }

  @Test
  void aFloodedGsoFrameIsTaggedWithItsHeaderShiftedAndCutIntoSegmentsWhereNoHeaderGoes() {
    byte[] gso = TcpFrames.frame(UNKNOWN, A, 20_000, true);

    a.inject(GSO, gso);
    bridge.pollOnce();

    assertThat(b.takeSent()).containsExactly(concat(GSO, gso));
    assertThat(trunk.takeSent()).containsExactly(concat(GSO_TAGGED, tag(gso, 10)));
    // 20,000 bytes in segments of 1448: 13 full ones and 1176 bytes in the last.
    List<byte[]> segments = plain.takeSent();
    assertThat(segments).hasSize(14);
    for (int i = 0; i < segments.size(); i++) {
      GsoFrames.Segment segment = GsoFrames.read(segments.get(i));
      assertThat(segment.payload()).hasSize(i == 13 ? 1176 : 1448);
      assertThat(segment.tcpChecksumValid()).isTrue();
      assertThat(segment.ipChecksumValid()).isTrue();
      assertThat(segment.sequence()).isEqualTo(1000 + 1448L * i);
    }
    assertThat(bridge.portStats(2).drops()).isEmpty();
    assertThat(bridge.portStats(2).txPackets()).isEqualTo(1);
  }

  @Test
  void aGsoFrameTheSwitchCannotCutIsRefusedWhereNoHeaderGoes() {
    byte[] udpGso = GSO.clone();
    udpGso[1] = 5; // UDP L4 GSO
    a.inject(udpGso, TcpFrames.frame(UNKNOWN, A, 20_000, true));
    bridge.pollOnce();

    assertThat(plain.takeSent()).isEmpty();
    assertThat(bridge.portStats(2).drops())
        .containsExactlyEntriesOf(
            java.util.Map.of(DropReason.SEGMENTATION_OFFLOAD_UNSUPPORTED, 1L));
  }

  @Test
  void aPortWithoutHeadersGetsTheChecksumFinishedWhileOthersGetTheFrameAsItCame() {
    byte[] partial = TcpFrames.frame(UNKNOWN, A, 333, true);

    a.inject(CHECKSUM_ONLY, partial);
    bridge.pollOnce();

    assertThat(plain.takeSent()).containsExactly(TcpFrames.frame(UNKNOWN, A, 333, false));
    assertThat(b.takeSent()).containsExactly(concat(CHECKSUM_ONLY, partial));
    byte[] taggedHeader = {1, 0, 0, 0, 0, 0, 38, 0, 16, 0};
    assertThat(trunk.takeSent()).containsExactly(concat(taggedHeader, tag(partial, 10)));
  }

  @Test
  void aTaggedGsoFrameFromTheTrunkLosesItsTagAndTheHeaderFollows() {
    byte[] gso = TcpFrames.frame(UNKNOWN, A, 5_000, true);

    trunk.inject(GSO_TAGGED, tag(gso, 10));
    bridge.pollOnce();

    assertThat(a.takeSent()).containsExactly(concat(GSO, gso));
    assertThat(b.takeSent()).containsExactly(concat(GSO, gso));
  }

  private void drain() {
    a.takeSent();
    b.takeSent();
    trunk.takeSent();
    plain.takeSent();
  }

  private static byte[] tag(byte[] untagged, int vid) {
    byte[] tagged = new byte[untagged.length + 4];
    System.arraycopy(untagged, 0, tagged, 0, 12);
    tagged[12] = (byte) 0x81;
    tagged[13] = 0;
    tagged[14] = (byte) (vid >> 8);
    tagged[15] = (byte) vid;
    System.arraycopy(untagged, 12, tagged, 16, untagged.length - 12);
    return tagged;
  }

  private static byte[] concat(byte[] header, byte[] frame) {
    byte[] both = Arrays.copyOf(header, header.length + frame.length);
    System.arraycopy(frame, 0, both, header.length, frame.length);
    return both;
  }
}
