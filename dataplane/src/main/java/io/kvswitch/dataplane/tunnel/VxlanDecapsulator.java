package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.frame.EthernetFrame;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Turns one received VXLAN payload into a frame in the sending peer's receive ring, or counts why
 * not. Runs on the tunnel's event loop; checks, in order: length, flags, sender, VNI, inner tag,
 * size, room in the ring.
 *
 * <p>The frame is written into the ring slot with the 802.1Q tag of its VLAN inserted after the MAC
 * addresses (see {@link VxlanPeerPort}), copied straight from netty's buffer into the slot: nothing
 * is allocated per datagram here.
 *
 * <p>The peer table changes while the tunnel runs ({@link #addPeer}, {@link #removePeer}). It is
 * confined to the thread that decapsulates (the event loop): the tunnel runs every change there, so
 * a datagram is always checked against one whole table and a peer removed from it gets no frame
 * into its ring afterwards. A peer's VLANs are read per datagram from the port (a volatile field).
 */
final class VxlanDecapsulator {

  private static final int ETHERTYPE_QINQ = 0x88A8;

  private final int vniBase;
  // Confined to the decapsulating thread; replaced whole on every change.
  private VxlanPeerPort[] peers = new VxlanPeerPort[0];
  private int[] peerAddresses = new int[0];
  private boolean[] delivered = new boolean[0];
  private final AtomicLongArray drops = new AtomicLongArray(VxlanRxDrop.values().length);
  private volatile long decapsulated;

  VxlanDecapsulator(int vniBase, List<VxlanPeerPort> peers) {
    this.vniBase = vniBase;
    for (VxlanPeerPort peer : peers) {
      addPeer(peer);
    }
  }

  /**
   * Starts taking datagrams from {@code peer}'s address into its ring. Call on the decapsulating
   * thread.
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
   * from now on. Call on the decapsulating thread. Returns whether it was a peer.
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

  /** The peers datagrams are taken from now. Call on the decapsulating thread. */
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
   * Decapsulates the UDP payload {@code payload} (its readable bytes) from IPv4 address {@code
   * source}; does not consume or release it.
   *
   * @return the reason it was dropped, or null when the frame is in a ring
   */
  VxlanRxDrop decapsulate(int source, ByteBuf payload) {
    VxlanRxDrop drop = tryDecapsulate(source, payload);
    if (drop != null) {
      drops.incrementAndGet(drop.ordinal());
    } else {
      decapsulated++;
    }
    return drop;
  }

  /** Counts a datagram too long for any receive slot, which the handler never passes on. */
  void countOversize() {
    drops.incrementAndGet(VxlanRxDrop.OVERSIZE.ordinal());
  }

  private VxlanRxDrop tryDecapsulate(int source, ByteBuf payload) {
    int start = payload.readerIndex();
    int innerLength = payload.readableBytes() - VxlanHeader.LENGTH;
    if (innerLength < EthernetFrame.HEADER_LENGTH) {
      return VxlanRxDrop.TRUNCATED;
    }
    if (!VxlanHeader.hasValidFlags(payload.getInt(start))) {
      return VxlanRxDrop.BAD_FLAGS;
    }
    int peerIndex = peerIndex(source);
    if (peerIndex < 0) {
      return VxlanRxDrop.UNKNOWN_PEER;
    }
    VxlanPeerPort peer = peers[peerIndex];
    int vlan = VxlanHeader.vni(payload.getInt(start + 4)) - vniBase;
    if (!peer.vlans().contains(vlan)) {
      return VxlanRxDrop.UNKNOWN_VNI;
    }
    int inner = start + VxlanHeader.LENGTH;
    int etherType = payload.getUnsignedShort(inner + EthernetFrame.ETHERTYPE_OFFSET);
    if (etherType == EthernetFrame.ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ) {
      return VxlanRxDrop.INNER_VLAN_TAG;
    }
    FrameRing ring = peer.inbound();
    int tagged = innerLength + EthernetFrame.TAG_LENGTH;
    if (tagged > ring.slotSize()) {
      return VxlanRxDrop.OVERSIZE;
    }
    ByteBuffer slot = ring.claim();
    if (slot == null) {
      return VxlanRxDrop.RING_FULL;
    }
    slot.limit(12);
    payload.getBytes(inner, slot);
    slot.limit(16);
    slot.putShort((short) EthernetFrame.ETHERTYPE_VLAN);
    slot.putShort((short) vlan);
    slot.limit(tagged);
    payload.getBytes(inner + 12, slot);
    ring.publish(tagged);
    delivered[peerIndex] = true;
    return null;
  }

  /**
   * Wakes the forwarding threads of the peers that got frames since the last call: once per burst
   * of datagrams that the event loop read, not once per frame.
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
