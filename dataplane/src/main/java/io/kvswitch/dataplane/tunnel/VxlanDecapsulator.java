package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.frame.EthernetFrame;
import io.kvswitch.dataplane.port.FrameSink;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Turns received VXLAN datagrams into frames of the switch, or counts why not. Checks each
 * datagram, in order: length, flags, sender, VNI, inner tag, size, room in the ring.
 *
 * <p>{@link #receive} walks one read of the tunnel socket, which with {@code UDP_GRO} is a run of
 * datagrams from one sender laid end to end, in place. A datagram of the peer whose port is reading
 * (the usual case: one peer, or the peer whose forwarding thread got to the socket first) becomes a
 * frame right where it lies: the two MAC addresses move 4 bytes forward, over the VNI, and the
 * 802.1Q tag of its VLAN takes the 4 bytes they left (see {@link VxlanPeerPort}), and the frame
 * goes to the reading port's sink without a copy. A datagram of another peer is copied, tag
 * inserted, into that peer's {@link FrameRing}, and its forwarding thread is woken once per read.
 * Nothing is allocated per datagram.
 *
 * <p>The peer table changes while the tunnel runs ({@link #addPeer}, {@link #removePeer}). It is
 * only used by the thread holding the tunnel's receive lock ({@link VxlanReceiver}), and changes
 * take that lock too, so a read is always checked against one whole table and a peer removed from
 * it gets no frame into its ring afterwards. A peer's VLANs are read per datagram from the port (a
 * volatile field).
 */
final class VxlanDecapsulator {

  private static final int ETHERTYPE_QINQ = 0x88A8;

  private static final ValueLayout.OfInt INT_BE =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfShort SHORT_BE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final int vniBase;
  // Used under the tunnel's receive lock only; replaced whole on every change.
  private VxlanPeerPort[] peers = new VxlanPeerPort[0];
  private int[] peerAddresses = new int[0];
  private boolean[] delivered = new boolean[0];
  private final AtomicLongArray drops = new AtomicLongArray(VxlanRxDrop.values().length);
  // Written under the receive lock, read by anyone.
  private volatile long decapsulated;

  VxlanDecapsulator(int vniBase, List<VxlanPeerPort> peers) {
    this.vniBase = vniBase;
    for (VxlanPeerPort peer : peers) {
      addPeer(peer);
    }
  }

  /**
   * Starts taking datagrams from {@code peer}'s address. Call under the receive lock.
   *
   * @throws IllegalArgumentException when another peer has that address already
   */
  void addPeer(VxlanPeerPort peer) {
    int address = ipv4(peer.address().getAddress());
    if (peerIndex(address) >= 0) {
      throw new IllegalArgumentException(
          "another peer has address " + peer.address().getHostAddress() + " already");
    }
    int n = peers.length;
    VxlanPeerPort[] newPeers = Arrays.copyOf(peers, n + 1);
    int[] newAddresses = Arrays.copyOf(peerAddresses, n + 1);
    boolean[] newDelivered = Arrays.copyOf(delivered, n + 1);
    newPeers[n] = peer;
    newAddresses[n] = address;
    peers = newPeers;
    peerAddresses = newAddresses;
    delivered = newDelivered;
  }

  /**
   * Stops taking datagrams for {@code peer}; from its address they count as {@code unknown_peer}
   * from now on. Call under the receive lock. Returns whether it was a peer.
   */
  boolean removePeer(VxlanPeerPort peer) {
    int index = -1;
    for (int i = 0; i < peers.length; i++) {
      if (peers[i] == peer) {
        index = i;
      }
    }
    if (index < 0) {
      return false;
    }
    if (delivered[index]) {
      // Frames it already holds still reach the switch if the port is drained before removal.
      peer.wakeReceiver();
    }
    peers = without(peers, index, new VxlanPeerPort[peers.length - 1]);
    int[] addresses = new int[peerAddresses.length - 1];
    boolean[] flags = new boolean[delivered.length - 1];
    for (int i = 0, j = 0; i < peerAddresses.length; i++) {
      if (i != index) {
        addresses[j] = peerAddresses[i];
        flags[j++] = delivered[i];
      }
    }
    peerAddresses = addresses;
    delivered = flags;
    return true;
  }

  private static <T> T[] without(T[] items, int index, T[] into) {
    System.arraycopy(items, 0, into, 0, index);
    System.arraycopy(items, index + 1, into, index, items.length - index - 1);
    return into;
  }

  /** The peers datagrams are taken from now. Call under the receive lock. */
  List<VxlanPeerPort> peers() {
    return List.of(peers);
  }

  static int ipv4(byte[] address) {
    return (address[0] & 0xFF) << 24
        | (address[1] & 0xFF) << 16
        | (address[2] & 0xFF) << 8
        | (address[3] & 0xFF);
  }

  /**
   * Walks one read of {@code length} bytes at {@code offset}: datagrams of {@code segmentSize}
   * bytes laid end to end, the last one possibly shorter, all from IPv4 address {@code source}.
   * Frames of {@code reader}'s peer go to {@code direct} in place (the buffer is changed: see the
   * class comment), with writable room for an offload header in front of each (the end of the
   * datagram before, or the read's headroom); frames of other peers go into their rings. {@code
   * reader} may be null: then every frame goes into a ring.
   *
   * @return the number of datagrams walked, delivered or dropped
   */
  int receive(
      int source,
      MemorySegment buffer,
      long offset,
      int length,
      int segmentSize,
      VxlanPeerPort reader,
      FrameSink direct) {
    int size = segmentSize > 0 ? segmentSize : length;
    int peerIndex = peerIndex(source);
    int datagrams = 0;
    long end = offset + length;
    for (long at = offset; at < end; at += size) {
      int datagram = (int) Math.min(size, end - at);
      count(tryDecapsulate(peerIndex, buffer, at, datagram, reader, direct));
      datagrams++;
    }
    return datagrams;
  }

  /**
   * Decapsulates the one datagram of {@code length} bytes at {@code offset} from IPv4 address
   * {@code source} into its peer's ring; does not change it.
   *
   * @return the reason it was dropped, or null when the frame is in a ring
   */
  VxlanRxDrop decapsulate(int source, MemorySegment datagram, long offset, int length) {
    VxlanRxDrop drop = tryDecapsulate(peerIndex(source), datagram, offset, length, null, null);
    count(drop);
    return drop;
  }

  private void count(VxlanRxDrop drop) {
    if (drop != null) {
      drops.incrementAndGet(drop.ordinal());
    } else {
      decapsulated++;
    }
  }

  /** Counts a datagram too long for the read, which the kernel cut short. */
  void countOversize() {
    drops.incrementAndGet(VxlanRxDrop.OVERSIZE.ordinal());
  }

  /** Counts {@code messages} of a read that were not walked because the switch threw. */
  void countAbandoned(int messages) {
    drops.addAndGet(VxlanRxDrop.READ_ABANDONED.ordinal(), messages);
  }

  private VxlanRxDrop tryDecapsulate(
      int peerIndex,
      MemorySegment buffer,
      long at,
      int length,
      VxlanPeerPort reader,
      FrameSink direct) {
    int innerLength = length - VxlanHeader.LENGTH;
    if (innerLength < EthernetFrame.HEADER_LENGTH) {
      return VxlanRxDrop.TRUNCATED;
    }
    if (!VxlanHeader.hasValidFlags(buffer.get(INT_BE, at))) {
      return VxlanRxDrop.BAD_FLAGS;
    }
    if (peerIndex < 0) {
      return VxlanRxDrop.UNKNOWN_PEER;
    }
    VxlanPeerPort peer = peers[peerIndex];
    int vlan = VxlanHeader.vni(buffer.get(INT_BE, at + 4)) - vniBase;
    if (!peer.vlans().contains(vlan)) {
      return VxlanRxDrop.UNKNOWN_VNI;
    }
    long inner = at + VxlanHeader.LENGTH;
    int etherType = buffer.get(SHORT_BE, inner + EthernetFrame.ETHERTYPE_OFFSET) & 0xFFFF;
    if (etherType == EthernetFrame.ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ) {
      return VxlanRxDrop.INNER_VLAN_TAG;
    }
    FrameRing ring = peer.inbound();
    int tagged = innerLength + EthernetFrame.TAG_LENGTH;
    if (tagged > ring.slotSize()) {
      return VxlanRxDrop.OVERSIZE;
    }
    if (peer == reader) {
      // In place: the tagged frame starts 4 bytes before the inner one, over the VNI.
      long frame = at + VxlanHeader.LENGTH - EthernetFrame.TAG_LENGTH;
      long macs = buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, inner);
      int macsEnd = buffer.get(ValueLayout.JAVA_INT_UNALIGNED, inner + 8);
      buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, frame, macs);
      buffer.set(ValueLayout.JAVA_INT_UNALIGNED, frame + 8, macsEnd);
      buffer.set(SHORT_BE, frame + 12, (short) EthernetFrame.ETHERTYPE_VLAN);
      buffer.set(SHORT_BE, frame + 14, (short) vlan);
      direct.accept(buffer, frame, tagged);
      return null;
    }
    long slot = ring.claim();
    if (slot < 0) {
      return VxlanRxDrop.RING_FULL;
    }
    MemorySegment slots = ring.memory();
    MemorySegment.copy(buffer, inner, slots, slot, 12);
    slots.set(SHORT_BE, slot + 12, (short) EthernetFrame.ETHERTYPE_VLAN);
    slots.set(SHORT_BE, slot + 14, (short) vlan);
    MemorySegment.copy(buffer, inner + 12, slots, slot + 16, innerLength - 12);
    ring.publish(tagged);
    delivered[peerIndex] = true;
    return null;
  }

  /**
   * Wakes the forwarding threads of the peers that got frames into their rings since the last call:
   * once per read, not once per frame.
   */
  void wakeReceivers() {
    for (int i = 0; i < peers.length; i++) {
      if (delivered[i]) {
        delivered[i] = false;
        peers[i].wakeReceiver();
      }
    }
  }

  private int peerIndex(int source) {
    for (int i = 0; i < peerAddresses.length; i++) {
      if (peerAddresses[i] == source) {
        return i;
      }
    }
    return -1;
  }

  long drops(VxlanRxDrop reason) {
    return drops.get(reason.ordinal());
  }

  long decapsulated() {
    return decapsulated;
  }
}
