package io.kvswitch.dataplane.port.linux;

import static io.kvswitch.dataplane.port.linux.TestFrames.EXPERIMENTAL;
import static io.kvswitch.dataplane.port.linux.TestFrames.hex;
import static io.kvswitch.dataplane.port.linux.TestFrames.mac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.port.VirtioNetHeader;
import io.kvswitch.dataplane.port.linux.AfPacketOptions.RingVersion;
import io.kvswitch.dataplane.testing.Commands;
import io.kvswitch.dataplane.testing.NetNamespace;
import io.kvswitch.dataplane.testing.NetworkLab;
import io.kvswitch.dataplane.testing.NetworkLabExtension;
import io.kvswitch.dataplane.testing.Veth;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An {@link AfPacketPort} on the host end of a veth whose other end sits in a namespace, checked
 * byte for byte against what the namespace sends and receives.
 */
@ExtendWith(NetworkLabExtension.class)
class AfPacketPortIT {

  private static final String PEER_MAC = "02:4b:56:00:00:02";
  private static final byte[] HOST_SIDE_MAC = mac("02:4b:56:00:00:01");
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @ParameterizedTest
  @EnumSource(RingVersion.class)
  void receivesTheArpRequestTheNamespaceBroadcastsByteForByte(
      RingVersion ringVersion, NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    try (AfPacketPort port =
        AfPacketPort.open(
            veth.hostName(), AfPacketOptions.defaults().withRingVersion(ringVersion))) {
      // Nobody owns 10.77.0.9, so arping gets no answer; its request is what we look for.
      peer.exec("arping", "-c", "1", "-w", "1", "-I", veth.peerName(), "10.77.0.9");

      FrameCollector received = new FrameCollector();
      await()
          .atMost(DEADLINE)
          .pollInSameThread()
          .until(
              () -> {
                port.receiveBatch(received, 64);
                return !received.withEtherType(0x0806).isEmpty();
              });

      byte[] expected =
          TestFrames.arpRequest(mac(PEER_MAC), "10.77.0.2", TestFrames.BROADCAST, "10.77.0.9");
      assertThat(hex(received.withEtherType(0x0806).getFirst())).isEqualTo(hex(expected));
    }
  }

  @Test
  void framesItSendsArriveInTheNamespaceUnchangedAndInOrder(NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    try (AfPacketPort port = AfPacketPort.open(veth.hostName(), AfPacketOptions.defaults());
        AfPacketPort listener = openInside(peer, veth.peerName(), false)) {
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        byte[] frame = TestFrames.numbered(mac(PEER_MAC), HOST_SIDE_MAC, i, 60 + i * 14);
        assertThat(port.transmit(MemorySegment.ofArray(frame), 0, frame.length)).isTrue();
        sent.add(hex(frame));
      }
      port.flushTransmit();

      FrameCollector received = receiveUntil(listener, EXPERIMENTAL, 100);
      assertThat(received.withEtherType(EXPERIMENTAL).stream().map(TestFrames::hex).toList())
          .containsExactlyElementsOf(sent);
      assertThat(port.counters().txFrames()).isEqualTo(100);
      assertThat(port.counters().txErrors()).isZero();
    }
  }

  /**
   * The kernel lifts the 802.1Q tag of every received frame into metadata before a packet socket
   * sees it; a switch that missed it would put trunk traffic on the wrong VLAN.
   */
  @ParameterizedTest(name = "{0} offloads={1}")
  @CsvSource({"TPACKET_V3, true", "TPACKET_V3, false", "TPACKET_V2, true", "TPACKET_V2, false"})
  void hands802dot1qFramesOverWithTheirTag(
      RingVersion ringVersion, boolean offloads, NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    AfPacketOptions options =
        AfPacketOptions.defaults().withRingVersion(ringVersion).withOffloads(offloads);
    try (AfPacketPort port = AfPacketPort.open(veth.hostName(), options);
        AfPacketPort sender = openInside(peer, veth.peerName(), false)) {
      byte[] tagged =
          TestFrames.tagged(
              TestFrames.BROADCAST, mac(PEER_MAC), 100, EXPERIMENTAL, new byte[] {1, 2, 3, 4});
      byte[] padded = java.util.Arrays.copyOf(tagged, 64);
      assertThat(sender.transmit(MemorySegment.ofArray(padded), 0, padded.length)).isTrue();
      sender.flushTransmit();

      FrameCollector received = receiveUntil(port, 0x8100, 1);
      assertThat(hex(received.withEtherType(0x8100).getFirst())).isEqualTo(hex(padded));
      if (offloads) {
        assertThat(port.offloadHeaderLength()).isEqualTo(VirtioNetHeader.LENGTH);
      }
    }
  }

  @Test
  void reportsTheLinkDownWhileThePeerIsDown(NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    try (AfPacketPort port = AfPacketPort.open(veth.hostName(), AfPacketOptions.defaults())) {
      await().atMost(DEADLINE).until(port::isLinkUp);

      peer.execOk("ip", "link", "set", veth.peerName(), "down");
      await().atMost(DEADLINE).until(() -> !port.isLinkUp());

      peer.execOk("ip", "link", "set", veth.peerName(), "up");
      await().atMost(DEADLINE).until(port::isLinkUp);
    }
  }

  /**
   * Setting a port's own interface down posts an error (ENETDOWN) on its packet socket that stays
   * after the interface is up again and makes the descriptor poll as an error; the forwarding
   * thread's wait reads it, or every later wait would end at once and the thread would spin. The
   * port still receives afterwards.
   */
  @ParameterizedTest
  @EnumSource(RingVersion.class)
  void anInterfaceSetDownAndUpLeavesNoErrorThatWouldEndEveryWait(
      RingVersion ringVersion, NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    try (AfPacketPort port =
            AfPacketPort.open(
                veth.hostName(), AfPacketOptions.defaults().withRingVersion(ringVersion));
        AfPacketPort sender = openInside(peer, veth.peerName(), false);
        EpollWaiter waiter = EpollWaiter.open();
        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
      waiter.watch(port.pollFd());
      MemorySegment pollfd = arena.allocate(Libc.POLLFD_SIZE, 4);
      pollfd.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, port.pollFd());

      Commands.runOk("ip", "link", "set", veth.hostName(), "down");
      Commands.runOk("ip", "link", "set", veth.hostName(), "up");
      assertThat(pollEvents(pollfd) & Libc.POLLERR).as("the kernel posted ENETDOWN").isNotZero();

      assertThat(waiter.await(-1)).isFalse();
      assertThat(pollEvents(pollfd) & Libc.POLLERR).as("read by the wait").isZero();

      await().atMost(DEADLINE).until(port::isLinkUp);
      byte[] frame = TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), 1, 60);
      assertThat(sender.transmit(MemorySegment.ofArray(frame), 0, frame.length)).isTrue();
      sender.flushTransmit();
      FrameCollector received = receiveUntil(port, EXPERIMENTAL, 1);
      assertThat(hex(received.withEtherType(EXPERIMENTAL).getFirst())).isEqualTo(hex(frame));
    }
  }

  private static int pollEvents(MemorySegment pollfd) {
    pollfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 6, (short) 0);
    assertThat(Libc.poll(pollfd, 1, 0)).isNotNegative();
    return pollfd.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6);
  }

  /**
   * TPACKET_V2 slots smaller than a frame: the kernel queues the frame whole on the socket and the
   * port reads it in the slot's place, so order, bytes and the 802.1Q tag are kept.
   */
  @ParameterizedTest(name = "offloads={0}")
  @ValueSource(booleans = {true, false})
  void aFrameLongerThanItsV2SlotArrivesWholeInItsPlace(boolean offloads, NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    io.kvswitch.dataplane.testing.Commands.runOk(
        "ip", "link", "set", veth.hostName(), "mtu", "9000");
    peer.execOk("ip", "link", "set", veth.peerName(), "mtu", "9000");
    AfPacketOptions smallSlots =
        AfPacketOptions.perFrame().withRing(4096, 4).withSlotSize(2048).withOffloads(offloads);
    try (AfPacketPort port = AfPacketPort.open(veth.hostName(), smallSlots);
        AfPacketPort sender = openInside(peer, veth.peerName(), false)) {
      List<byte[]> frames =
          List.of(
              TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), 1, 60),
              TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), 2, 6000),
              TestFrames.tagged(HOST_SIDE_MAC, mac(PEER_MAC), 7, EXPERIMENTAL, new byte[3000]),
              TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), 3, 60));
      for (byte[] frame : frames) {
        assertThat(sender.transmit(MemorySegment.ofArray(frame), 0, frame.length)).isTrue();
      }
      sender.flushTransmit();

      FrameCollector received = receiveUntil(port, EXPERIMENTAL, 3);
      receiveInto(port, received, 0x8100, 1);
      assertThat(
              received.all().stream()
                  .filter(f -> outerEtherType(f) == EXPERIMENTAL || outerEtherType(f) == 0x8100)
                  .map(TestFrames::hex))
          .containsExactlyElementsOf(frames.stream().map(TestFrames::hex).toList());
      assertThat(port.counters().rxTruncated()).isZero();
    }
  }

  @Test
  void dropsAndCountsAFrameLongerThanItsV3RingBlockAndKeepsReceiving(NetworkLab lab) {
    RingVersion ringVersion = RingVersion.TPACKET_V3;
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    io.kvswitch.dataplane.testing.Commands.runOk(
        "ip", "link", "set", veth.hostName(), "mtu", "9000");
    peer.execOk("ip", "link", "set", veth.peerName(), "mtu", "9000");
    // A ring of 4 KiB blocks (or slots) cannot hold the 6000-byte frame.
    AfPacketOptions smallRing =
        AfPacketOptions.defaults().withRingVersion(ringVersion).withRing(4096, 4);
    try (AfPacketPort port = AfPacketPort.open(veth.hostName(), smallRing);
        AfPacketPort sender = openInside(peer, veth.peerName(), false)) {
      byte[] jumbo = TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), 1, 6000);
      byte[] small = TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), 2, 60);
      assertThat(sender.transmit(MemorySegment.ofArray(jumbo), 0, jumbo.length)).isTrue();
      assertThat(sender.transmit(MemorySegment.ofArray(small), 0, small.length)).isTrue();
      sender.flushTransmit();

      FrameCollector received = receiveUntil(port, EXPERIMENTAL, 1);
      assertThat(received.withEtherType(EXPERIMENTAL).stream().map(TestFrames::hex))
          .containsExactly(hex(small));
      assertThat(port.counters().rxTruncated()).isEqualTo(1);
    }
  }

  /**
   * A V2 frame too long for its slot goes through the socket's receive queue only while the socket
   * buffer has room: with the smallest buffer the kernel allows, the second of two jumbo frames
   * sent back to back finds the first still queued, is cut to its slot, dropped and counted.
   */
  @Test
  void aV2FrameTheSocketBufferHasNoRoomForIsDroppedAndCounted(NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    io.kvswitch.dataplane.testing.Commands.runOk(
        "ip", "link", "set", veth.hostName(), "mtu", "9000");
    peer.execOk("ip", "link", "set", veth.peerName(), "mtu", "9000");
    AfPacketOptions d = AfPacketOptions.perFrame().withRing(4096, 4);
    AfPacketOptions tinySocketBuffer =
        new AfPacketOptions(
            d.ringVersion(),
            d.offloads(),
            d.blockSize(),
            d.blockCount(),
            d.blockTimeoutMillis(),
            d.transmitBatch(),
            d.transmitBufferBytes(),
            1, // the kernel raises it to its minimum, about 2 KiB
            d.slotSize());
    try (AfPacketPort port = AfPacketPort.open(veth.hostName(), tinySocketBuffer);
        AfPacketPort sender = openInside(peer, veth.peerName(), false)) {
      byte[] first = TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), 1, 6000);
      byte[] second = TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), 2, 6000);
      byte[] small = TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), 3, 60);
      for (byte[] frame : List.of(first, second, small)) {
        assertThat(sender.transmit(MemorySegment.ofArray(frame), 0, frame.length)).isTrue();
      }
      sender.flushTransmit();

      FrameCollector received = receiveUntil(port, EXPERIMENTAL, 2);
      assertThat(received.withEtherType(EXPERIMENTAL).stream().map(TestFrames::hex))
          .containsExactly(hex(first), hex(small));
      assertThat(port.counters().rxTruncated()).isEqualTo(1);
    }
  }

  @Test
  void countsWhatTheKernelDroppedWhileTheRingWasFullAndKeepsReceiving(NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    // Two 4 KiB blocks: room for a few dozen small frames.
    AfPacketOptions tinyRing = AfPacketOptions.defaults().withRing(4096, 2);
    try (AfPacketPort port = AfPacketPort.open(veth.hostName(), tinyRing);
        AfPacketPort sender = openInside(peer, veth.peerName(), false)) {
      int sent = 0;
      for (int burst = 0; burst < 20; burst++) {
        for (int i = 0; i < 50; i++, sent++) {
          byte[] frame = TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), sent, 60);
          sender.transmit(MemorySegment.ofArray(frame), 0, frame.length);
        }
        sender.flushTransmit();
      }
      assertThat(sender.counters().txFrames()).isEqualTo(sent);

      FrameCollector received = new FrameCollector();
      long[] dropped = {0};
      int total = sent;
      await()
          .atMost(DEADLINE)
          .pollInSameThread()
          .until(
              () -> {
                port.receiveBatch(received, 64);
                dropped[0] += port.takeKernelDrops();
                return received.withEtherType(EXPERIMENTAL).size() + dropped[0] == total;
              });
      assertThat(dropped[0]).isPositive();
      assertThat(port.takeKernelDrops()).isZero();

      byte[] after = TestFrames.numbered(HOST_SIDE_MAC, mac(PEER_MAC), sent, 60);
      sender.transmit(MemorySegment.ofArray(after), 0, after.length);
      sender.flushTransmit();
      FrameCollector later = receiveUntil(port, EXPERIMENTAL, 1);
      assertThat(later.withEtherType(EXPERIMENTAL).stream().map(TestFrames::hex))
          .containsExactly(hex(after));
    }
  }

  @Test
  void refusesFramesTheInterfaceCannotCarryAndSendsTheLargestItCan(NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    try (AfPacketPort port = AfPacketPort.open(veth.hostName(), AfPacketOptions.defaults());
        AfPacketPort listener = openInside(peer, veth.peerName(), false)) {
      byte[] runt = new byte[13];
      byte[] oversize = TestFrames.numbered(mac(PEER_MAC), HOST_SIDE_MAC, 1, 1500 + 14 + 1);
      byte[] largest = TestFrames.numbered(mac(PEER_MAC), HOST_SIDE_MAC, 2, 1500 + 14);
      byte[] largestTagged =
          TestFrames.tagged(mac(PEER_MAC), HOST_SIDE_MAC, 7, EXPERIMENTAL, new byte[1500]);

      assertThat(port.transmit(MemorySegment.ofArray(runt), 0, runt.length)).isFalse();
      assertThat(port.transmit(MemorySegment.ofArray(oversize), 0, oversize.length)).isFalse();
      assertThat(port.transmit(MemorySegment.ofArray(largest), 0, largest.length)).isTrue();
      assertThat(port.transmit(MemorySegment.ofArray(largestTagged), 0, largestTagged.length))
          .isTrue();
      port.flushTransmit();

      FrameCollector received = receiveUntil(listener, EXPERIMENTAL, 1);
      receiveInto(listener, received, 0x8100, 1);
      assertThat(received.withEtherType(EXPERIMENTAL).stream().map(TestFrames::hex))
          .containsExactly(hex(largest));
      assertThat(received.withEtherType(0x8100).stream().map(TestFrames::hex))
          .containsExactly(hex(largestTagged));
      assertThat(port.counters().txFrames()).isEqualTo(2);
      assertThat(port.counters().txErrors()).isZero();
    }
  }

  @Test
  void aFrameWithAnOffloadHeaderTheKernelRejectsIsCountedAndTheRestOfTheBatchGoes(NetworkLab lab) {
    NetNamespace peer = lab.namespace("peer");
    Veth veth = lab.attach(peer, "h", "p", PEER_MAC, "10.77.0.2/24");
    try (AfPacketPort port = AfPacketPort.open(veth.hostName(), AfPacketOptions.defaults());
        AfPacketPort listener = openInside(peer, veth.peerName(), false)) {
      byte[] first = TestFrames.numbered(mac(PEER_MAC), HOST_SIDE_MAC, 1, 100);
      byte[] last = TestFrames.numbered(mac(PEER_MAC), HOST_SIDE_MAC, 3, 100);
      byte[] bad = new byte[VirtioNetHeader.LENGTH + 100];
      bad[1] = 0x42; // no such GSO type
      System.arraycopy(
          TestFrames.numbered(mac(PEER_MAC), HOST_SIDE_MAC, 2, 100),
          0,
          bad,
          VirtioNetHeader.LENGTH,
          100);

      assertThat(port.transmit(MemorySegment.ofArray(first), 0, first.length)).isTrue();
      assertThat(port.transmitOffloaded(MemorySegment.ofArray(bad), VirtioNetHeader.LENGTH, 100))
          .isTrue();
      assertThat(port.transmit(MemorySegment.ofArray(last), 0, last.length)).isTrue();
      port.flushTransmit();

      FrameCollector received = receiveUntil(listener, EXPERIMENTAL, 2);
      assertThat(received.withEtherType(EXPERIMENTAL).stream().map(TestFrames::hex))
          .containsExactly(hex(first), hex(last));
      assertThat(port.counters().txErrors()).isEqualTo(1);
      assertThat(port.counters().lastTxErrno()).isEqualTo(22); // EINVAL
      assertThat(port.counters().txFrames()).isEqualTo(2);
    }
  }

  private static int outerEtherType(byte[] frame) {
    return (frame[12] & 0xff) << 8 | frame[13] & 0xff;
  }

  /** A port opened from inside {@code namespace}: a raw socket on the peer end. */
  static AfPacketPort openInside(NetNamespace namespace, String interfaceName, boolean offloads) {
    return namespace.call(
        () -> AfPacketPort.open(interfaceName, AfPacketOptions.defaults().withOffloads(offloads)));
  }

  /** Receives until {@code count} frames of {@code etherType} came, or fails at the deadline. */
  static FrameCollector receiveUntil(AfPacketPort port, int etherType, int count) {
    FrameCollector received = new FrameCollector();
    receiveInto(port, received, etherType, count);
    return received;
  }

  static void receiveInto(AfPacketPort port, FrameCollector received, int etherType, int count) {
    await()
        .atMost(DEADLINE)
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              port.receiveBatch(received, 64);
              return received.withEtherType(etherType).size() >= count;
            });
  }
}
