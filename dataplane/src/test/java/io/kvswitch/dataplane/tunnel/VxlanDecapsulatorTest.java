package io.kvswitch.dataplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

  // ---- one read of several datagrams, walked in place ----

  @Test
  void aCoalescedRunIsWalkedInPlaceAndItsShorterLastDatagramIsAFrameToo() {
    byte[] first = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 200);
    byte[] second = TestFrames.untagged("02:00:00:00:00:03", "02:00:00:00:00:04", 200);
    byte[] third = TestFrames.untagged("02:00:00:00:00:05", "02:00:00:00:00:06", 200);
    byte[] last = TestFrames.untagged("02:00:00:00:00:07", "02:00:00:00:00:08", 61);
    Read read =
        new Read(
            header(0x08, 10_010), first,
            header(0x08, 10_020), second,
            header(0x08, 10_010), third,
            header(0x08, 10_010), last);

    List<byte[]> direct = new ArrayList<>();
    int walked = read.walk(PEER_B, b, direct);

    assertThat(walked).isEqualTo(4);
    assertThat(direct)
        .containsExactly(
            TestFrames.tagged("02:00:00:00:00:01", "02:00:00:00:00:02", 10, 200),
            TestFrames.tagged("02:00:00:00:00:03", "02:00:00:00:00:04", 20, 200),
            TestFrames.tagged("02:00:00:00:00:05", "02:00:00:00:00:06", 10, 200),
            TestFrames.tagged("02:00:00:00:00:07", "02:00:00:00:00:08", 10, 61));
    assertThat(decapsulator.decapsulated()).isEqualTo(4);
    assertThat(received(b)).as("nothing went through the ring").isEmpty();
  }

  @Test
  void aRunWhoseLastPieceIsTooShortForAFrameCountsItAsTruncated() {
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 100);
    Read read =
        new Read(
            header(0x08, 10_010), inner,
            header(0x08, 10_010), inner,
            header(0x08, 10_010), new byte[13]);

    List<byte[]> direct = new ArrayList<>();
    assertThat(read.walk(PEER_B, b, direct)).isEqualTo(3);

    assertThat(direct).hasSize(2);
    assertThat(decapsulator.drops(VxlanRxDrop.TRUNCATED)).isEqualTo(1);
    assertThat(decapsulator.decapsulated()).isEqualTo(2);
  }

  @Test
  void badDatagramsInTheMiddleOfARunAreCountedAndTheRestDelivered() {
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 100);
    byte[] taggedInner = TestFrames.tagged("02:00:00:00:00:01", "02:00:00:00:00:02", 10, 96);
    Read read =
        new Read(
            header(0x08, 10_010), inner,
            header(0x0C, 10_010), inner, // wrong flags
            header(0x08, 10_030), inner, // VLAN 30 is node-c's, not node-b's
            header(0x08, 10_010), taggedInner, // same length, tagged inside
            header(0x08, 10_020), inner);

    List<byte[]> direct = new ArrayList<>();
    assertThat(read.walk(PEER_B, b, direct)).isEqualTo(5);

    assertThat(direct)
        .containsExactly(
            TestFrames.tagged("02:00:00:00:00:01", "02:00:00:00:00:02", 10, 100),
            TestFrames.tagged("02:00:00:00:00:01", "02:00:00:00:00:02", 20, 100));
    assertThat(decapsulator.drops(VxlanRxDrop.BAD_FLAGS)).isEqualTo(1);
    assertThat(decapsulator.drops(VxlanRxDrop.UNKNOWN_VNI)).isEqualTo(1);
    assertThat(decapsulator.drops(VxlanRxDrop.INNER_VLAN_TAG)).isEqualTo(1);
    assertThat(received(c)).isEmpty();
  }

  @Test
  void aRunFromAnotherPeerGoesIntoThatPeersRingWhichIsWokenOnce() {
    int[] wakeups = new int[2];
    b.setReceiveWakeup(() -> wakeups[0]++);
    c.setReceiveWakeup(() -> wakeups[1]++);
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 100);
    Read read = new Read(header(0x08, 10_030), inner, header(0x08, 10_030), inner);

    List<byte[]> direct = new ArrayList<>();
    assertThat(read.walk(PEER_C, b, direct)).isEqualTo(2);
    decapsulator.wakeReceivers();

    assertThat(direct).isEmpty();
    byte[] tagged = TestFrames.tagged("02:00:00:00:00:01", "02:00:00:00:00:02", 30, 100);
    assertThat(received(c)).containsExactly(tagged, tagged);
    assertThat(wakeups).containsExactly(0, 1);
  }

  @Test
  void aRunFromAnUnknownSenderIsCountedDatagramByDatagram() {
    byte[] inner = TestFrames.untagged("02:00:00:00:00:01", "02:00:00:00:00:02", 100);
    Read read =
        new Read(
            header(0x08, 10_010), inner, header(0x08, 10_010), inner, header(0x08, 10_010), inner);

    List<byte[]> direct = new ArrayList<>();
    assertThat(read.walk("198.18.0.9", b, direct)).isEqualTo(3);

    assertThat(direct).isEmpty();
    assertThat(decapsulator.drops(VxlanRxDrop.UNKNOWN_PEER)).isEqualTo(3);
  }

  /**
   * One read as the socket returns it: datagrams laid end to end after {@link
   * RecvmmsgDatagramBatch#HEADROOM} bytes, all as long as the first but the last.
   */
  private final class Read {
    final MemorySegment buffer;
    final int length;
    final int segmentSize;

    /** Header, inner frame, header, inner frame, ... */
    Read(byte[]... parts) {
      int total = 0;
      for (byte[] part : parts) {
        total += part.length;
      }
      this.length = total;
      this.segmentSize = parts[0].length + parts[1].length;
      this.buffer = Arena.ofAuto().allocate(RecvmmsgDatagramBatch.HEADROOM + total);
      long at = RecvmmsgDatagramBatch.HEADROOM;
      for (byte[] part : parts) {
        MemorySegment.copy(part, 0, buffer, ValueLayout.JAVA_BYTE, at, part.length);
        at += part.length;
      }
    }

    /**
     * Walks the read with {@code reader} reading; frames handed on in place are collected after
     * their offload header was written in front of them, as the coalescer does, so a header that
     * overwrote a frame still to come would show.
     */
    int walk(String source, VxlanPeerPort reader, List<byte[]> direct) {
      return decapsulator.receive(
          TunnelFixture.ipv4Int(source),
          buffer,
          RecvmmsgDatagramBatch.HEADROOM,
          length,
          segmentSize,
          reader,
          (frame, offset, frameLength) -> {
            frame.asSlice(offset - VirtioNetHeader.LENGTH, VirtioNetHeader.LENGTH).fill((byte) -1);
            direct.add(frame.asSlice(offset, frameLength).toArray(ValueLayout.JAVA_BYTE));
          });
    }
  }

  private VxlanRxDrop decapsulate(String source, byte[] header, byte[] inner) {
    // At an offset that is not 0, as inside a read of several datagrams.
    byte[] bytes = new byte[5 + header.length + inner.length];
    System.arraycopy(header, 0, bytes, 5, header.length);
    System.arraycopy(inner, 0, bytes, 5 + header.length, inner.length);
    return decapsulator.decapsulate(
        TunnelFixture.ipv4Int(source),
        MemorySegment.ofArray(bytes),
        5,
        header.length + inner.length);
  }

  private static byte[] header(int flags, int vni) {
    return TunnelFixture.header(flags, vni);
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
