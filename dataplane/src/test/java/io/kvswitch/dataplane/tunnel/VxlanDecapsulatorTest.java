package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.VlanSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VxlanDecapsulatorTest {

  private static final String PEER_B = "198.18.0.2";
  private static final String PEER_C = "198.18.0.3";

  private VxlanPeerPort b;
  private VxlanPeerPort c;
  private VxlanDecapsulator decapsulator;

  @BeforeEach
  void setUp() {
    b = TunnelFixture.peer("node-b", PEER_B, "10,20", 4, TunnelFixture.batch());
    c = TunnelFixture.peer("node-c", PEER_C, "30", 4, TunnelFixture.batch());
    decapsulator = new VxlanDecapsulator(TunnelFixture.VNI_BASE, List.of(b, c));
  }

  @Test
  void aValidDatagramBecomesTheInnerFrameTaggedWithItsVlanOnTheSendersPort() {
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 46);

    VxlanRxDrop drop = decapsulate(PEER_B, header(0x08, 10_020), inner);

    assertThat(drop).isNull();
    assertThat(received(b))
        .containsExactly(TestFrames.tagged("02:00:00:00:00:01", "02:00:00:00:00:02", 20, 46));
    assertThat(received(c)).isEmpty();
    assertThat(decapsulator.decapsulated()).isEqualTo(1);
  }

  @Test
  void peersAddedRemovedAndRetaggedAtRunTimeTakeEffectForTheNextDatagram() {
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 46);
    VxlanPeerPort d = TunnelFixture.peer("node-d", "198.18.0.4", "10", 4, TunnelFixture.batch());
    assertThat(decapsulate("198.18.0.4", header(0x08, 10_010), inner))
        .isEqualTo(VxlanRxDrop.UNKNOWN_PEER);

    decapsulator.addPeer(d);
    assertThat(decapsulate("198.18.0.4", header(0x08, 10_010), inner)).isNull();
    d.setVlans(VlanSet.of(40));
    assertThat(decapsulate("198.18.0.4", header(0x08, 10_010), inner))
        .isEqualTo(VxlanRxDrop.UNKNOWN_VNI);
    assertThat(decapsulator.removePeer(b)).isTrue();
    assertThat(decapsulate(PEER_B, header(0x08, 10_010), inner))
        .isEqualTo(VxlanRxDrop.UNKNOWN_PEER);
    assertThat(decapsulate(PEER_C, header(0x08, 10_030), inner)).isNull();

    assertThat(decapsulator.peers()).containsExactly(c, d);
    assertThat(received(d)).hasSize(1);
    assertThat(received(b)).isEmpty();
    assertThat(decapsulator.removePeer(b)).isFalse();
  }

  @Test
  void twoPeersCannotShareAnAddress() {
    VxlanPeerPort twin = TunnelFixture.peer("node-x", PEER_B, "10", 4, TunnelFixture.batch());

    assertThatThrownBy(() -> decapsulator.addPeer(twin))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("another peer has address 198.18.0.2 already");
    assertThat(decapsulator.peers()).containsExactly(b, c);
  }

  @Test
  void truncatedDatagramsAreCountedAndDropped() {
    assertThat(decapsulate(PEER_B, new byte[] {0x08, 0, 0}, new byte[0]))
        .isEqualTo(VxlanRxDrop.TRUNCATED);
    assertThat(decapsulate(PEER_B, header(0x08, 10_010), new byte[13]))
        .isEqualTo(VxlanRxDrop.TRUNCATED);
    assertThat(decapsulator.drops(VxlanRxDrop.TRUNCATED)).isEqualTo(2);
    assertThat(received(b)).isEmpty();
  }

  @Test
  void wrongFlagsAreCountedAndDropped() {
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 46);
    assertThat(decapsulate(PEER_B, header(0x00, 10_010), inner)).isEqualTo(VxlanRxDrop.BAD_FLAGS);
    assertThat(decapsulate(PEER_B, header(0x0C, 10_010), inner)).isEqualTo(VxlanRxDrop.BAD_FLAGS);
    assertThat(decapsulator.drops(VxlanRxDrop.BAD_FLAGS)).isEqualTo(2);
    assertThat(received(b)).isEmpty();
  }

  @Test
  void aVniOutsideTheSendersVlansIsUnknown() {
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 46);
    // VLAN 30 exists, but on node-c, not on node-b.
    assertThat(decapsulate(PEER_B, header(0x08, 10_030), inner)).isEqualTo(VxlanRxDrop.UNKNOWN_VNI);
    // Below vniBase + 1: no VLAN at all.
    assertThat(decapsulate(PEER_B, header(0x08, 42), inner)).isEqualTo(VxlanRxDrop.UNKNOWN_VNI);
    assertThat(decapsulator.drops(VxlanRxDrop.UNKNOWN_VNI)).isEqualTo(2);
    assertThat(received(b)).isEmpty();
    assertThat(received(c)).isEmpty();
  }

  @Test
  void anUnknownSenderAnInnerTagAndAFullRingAreEachCounted() {
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 46);
    assertThat(decapsulate("198.18.0.9", header(0x08, 10_010), inner))
        .isEqualTo(VxlanRxDrop.UNKNOWN_PEER);
    byte[] taggedInner = TestFrames.tagged("02:00:00:00:00:01", "02:00:00:00:00:02", 10, 46);
    assertThat(decapsulate(PEER_B, header(0x08, 10_010), taggedInner))
        .isEqualTo(VxlanRxDrop.INNER_VLAN_TAG);
    for (int i = 0; i < 4; i++) {
      assertThat(decapsulate(PEER_B, header(0x08, 10_010), inner)).isNull();
    }
    assertThat(decapsulate(PEER_B, header(0x08, 10_010), inner)).isEqualTo(VxlanRxDrop.RING_FULL);
    assertThat(b.ringOverflows()).isEqualTo(1);
    assertThat(received(b)).hasSize(4);
    // Room again once the forwarding thread took the frames.
    assertThat(decapsulate(PEER_B, header(0x08, 10_010), inner)).isNull();
  }

  @Test
  void anInnerFrameBiggerThanTheUnderlayAllowsIsOversize() {
    byte[] inner =
        TestFrames.untagged(
            "02:00:00:00:00:01", "02:00:00:00:00:02", TunnelFixture.MAX_INNER_FRAME - 14 + 1);
    assertThat(decapsulate(PEER_B, header(0x08, 10_010), inner)).isEqualTo(VxlanRxDrop.OVERSIZE);
    byte[] fits =
        TestFrames.untagged(
            "02:00:00:00:00:01", "02:00:00:00:00:02", TunnelFixture.MAX_INNER_FRAME - 14);
    assertThat(decapsulate(PEER_B, header(0x08, 10_010), fits)).isNull();
  }

  private VxlanRxDrop decapsulate(String source, byte[] header, byte[] inner) {
    ByteBuf payload = Unpooled.directBuffer(header.length + inner.length + 5);
    try {
      // A reader index that is not 0, as after a decoder that consumed something.
      payload.writeZero(5).skipBytes(5).writeBytes(header).writeBytes(inner);
      return decapsulator.decapsulate(TunnelFixture.ipv4Int(source), payload);
    } finally {
      payload.release();
    }
  }

  private static byte[] header(int flags, int vni) {
    return new byte[] {
      (byte) flags, 0, 0, 0, (byte) (vni >>> 16), (byte) (vni >>> 8), (byte) vni, 0
    };
  }

  private static List<byte[]> received(VxlanPeerPort port) {
    List<byte[]> frames = new ArrayList<>();
    port.receiveBatch(
        (buffer, offset, length) ->
            frames.add(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE)),
        64);
    return frames.stream().map(f -> Arrays.copyOf(f, f.length)).toList();
  }
}
