package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.engine.VlanSet;
import io.kvswitch.dataplane.frame.EthernetFrame;
import io.kvswitch.dataplane.frame.InternetChecksum;
import io.kvswitch.dataplane.frame.TcpCoalescer;
import io.kvswitch.dataplane.frame.TcpSegmenter;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;

/**
 * The switch's port towards one peer VTEP. To the forwarding engine it is a trunk of the VLANs that
 * peer carries, in the split-horizon group of the other tunnel ports, so that:
 *
 * <ul>
 *   <li>head-end replication is the engine's ordinary flood: a flooded frame gets one copy per
 *       tunnel port that carries its VLAN, which is exactly one per peer that carries it;
 *   <li>a MAC learned from this peer is learned on this port, so unicast to it goes to this peer
 *       only, and a static entry on this port is a remote MAC the control plane placed here;
 *   <li>a frame that came out of the overlay never goes back into it (split horizon).
 * </ul>
 *
 * <p>Frames cross the port with an 802.1Q tag, which is how the VLAN travels between the engine and
 * the tunnel: on receive the decapsulator inserts the tag of VLAN {@code vni - vniBase}; on
 * transmit the engine hands over a tagged frame (a trunk tags every VLAN it has no native VLAN for)
 * and this port turns the tag into the VNI and sends the frame untagged inside VXLAN, as RFC 7348
 * §6.1 asks.
 *
 * <p>Frames from ports with offload headers ({@link #transmitOffloaded}) are made complete here,
 * because a VXLAN datagram carries no offload header: an unfinished L4 checksum is finished in the
 * datagram's slot, and a TCP GSO frame is cut into MSS-sized segments ({@link TcpSegmenter}), each
 * encapsulated into a slot of its own. The segments of one frame form a run of the send batch,
 * which the kernel takes as one UDP GSO send.
 */
public final class VxlanPeerPort implements Port {

  private final String name;
  private final String peerName;
  private final Inet4Address address;
  private volatile VlanSet vlans;
  private final int vniBase;
  private final int maxInnerFrame;
  private final FrameRing inbound;
  private final DatagramBatch outbound;
  private final int[] lengths;
  private final int[] runs;
  private final TcpSegmenter segmenter = new TcpSegmenter();
  private final TcpCoalescer coalescer;
  private final FrameSink coalescing;
  private FrameSink downstream;
  private final VxlanReceiver socket;
  private final long[] txDrops = new long[VxlanTxDrop.values().length];
  private int queued;
  private volatile boolean closed;
  private volatile Runnable receiveWakeup = () -> {};
  private Runnable releaseOnClose;
  private long txDatagrams;
  private long txDropped;
  private long txSegmentedFrames;
  private long txChecksumsFinished;

  VxlanPeerPort(
      String peerName,
      Inet4Address address,
      VlanSet vlans,
      int vniBase,
      int maxInnerFrame,
      FrameRing inbound,
      DatagramBatch outbound,
      VxlanReceiver socket) {
    this.name = portName(peerName);
    this.peerName = peerName;
    this.address = address;
    this.vlans = vlans;
    this.vniBase = vniBase;
    this.maxInnerFrame = maxInnerFrame;
    this.inbound = inbound;
    this.outbound = outbound;
    this.socket = socket;
    this.lengths = new int[outbound.slots()];
    this.runs = new int[outbound.slots()];
    this.coalescer = new TcpCoalescer(Arena.ofAuto());
    this.coalescing =
        (buffer, offset, length) -> coalescer.accept(buffer, offset, length, downstream);
  }

  /** The switch port name of the tunnel to {@code peerName}: {@code vxlan:<peer>}. */
  public static String portName(String peerName) {
    return "vxlan:" + peerName;
  }

  public String peerName() {
    return peerName;
  }

  public Inet4Address address() {
    return address;
  }

  /** The VLANs this peer carries; frames of others are neither sent to it nor taken from it. */
  public VlanSet vlans() {
    return vlans;
  }

  /**
   * Changes the VLANs taken from this peer, for the next datagram on. The switch learns the VLANs
   * it sends here from the port's trunk config, which the caller changes too.
   */
  public void setVlans(VlanSet vlans) {
    this.vlans = vlans;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void setReceiveWakeup(Runnable wakeup) {
    this.receiveWakeup = wakeup;
  }

  /**
   * Wakes the forwarding thread that drains this port; another peer's thread calls it after a read
   * that put frames into this port's ring.
   */
  void wakeReceiver() {
    receiveWakeup.run();
  }

  /**
   * Hands over the frames other peers' threads put into this port's ring, then reads the tunnel
   * socket unless another thread is reading it ({@link VxlanReceiver}): this peer's frames of that
   * read come straight from the receive buffer. Every TCP segment passes the coalescer on its way.
   * One read is up to {@link RecvmmsgDatagramBatch#MESSAGES} runs of up to 64 datagrams each, so a
   * call may hand over more than {@code maxFrames} frames; the count it returns includes datagrams
   * it handed to other peers or dropped.
   */
  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    downstream = sink;
    int frames =
        socket == null
            ? inbound.drain(coalescing, maxFrames)
            : socket.receive(this, coalescing, maxFrames);
    // Nothing waits for a later batch: a joined frame goes on before this call returns.
    coalescer.flush(sink);
    return frames;
  }

  @Override
  public int offloadHeaderLength() {
    return VirtioNetHeader.LENGTH;
  }

  /** GSO frames this port joined from received segments. */
  public long rxCoalescedFrames() {
    return coalescer.joinedFrames();
  }

  /** Received segments that went into those frames. */
  public long rxCoalescedSegments() {
    return coalescer.joinedSegments();
  }

  /** A tagged frame; the tag (4 bytes) does not travel, so the limit is the inner frame plus 4. */
  @Override
  public int maxTransmitLength() {
    return maxInnerFrame + 4;
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    if (closed
        || length < EthernetFrame.TAGGED_HEADER_LENGTH
        || length > maxTransmitLength()
        || EthernetFrame.etherType(buffer, offset) != EthernetFrame.ETHERTYPE_VLAN) {
      return false;
    }
    if (queued == lengths.length) {
      flushTransmit();
    }
    encapsulate(buffer, offset, length);
    runs[queued++] = 1;
    return true;
  }

  /** Writes the VXLAN datagram of a tagged frame into the next free slot, without queuing it. */
  private long encapsulate(MemorySegment buffer, long offset, int length) {
    int vid = EthernetFrame.tci(buffer, offset) & EthernetFrame.VID_MASK;
    MemorySegment slots = outbound.buffer();
    long at = (long) queued * outbound.slotSize();
    VxlanHeader.write(slots, at, vniBase + vid);
    // Destination and source MAC, then everything after the tag.
    MemorySegment.copy(buffer, offset, slots, at + VxlanHeader.LENGTH, 12);
    MemorySegment.copy(buffer, offset + 16, slots, at + VxlanHeader.LENGTH + 12, length - 16);
    lengths[queued] = VxlanHeader.LENGTH + length - 4;
    return at;
  }

  @Override
  public boolean acceptsOffloadedFrames() {
    return true;
  }

  /**
   * Sends a tagged frame whose {@link VirtioNetHeader} is in the 10 bytes before it: as it is when
   * it needs no work, with its L4 checksum finished, or cut into segments when it is a TCP GSO
   * frame. A frame this port cannot make complete is refused and counted under a {@link
   * VxlanTxDrop} reason; nothing half done is ever sent.
   */
  @Override
  public boolean transmitOffloaded(MemorySegment buffer, long offset, int length) {
    if (closed
        || length < EthernetFrame.TAGGED_HEADER_LENGTH
        || EthernetFrame.etherType(buffer, offset) != EthernetFrame.ETHERTYPE_VLAN) {
      return false;
    }
    long header = offset - VirtioNetHeader.LENGTH;
    if (VirtioNetHeader.gsoType(buffer, header) != VirtioNetHeader.GSO_NONE) {
      return transmitSegmented(buffer, offset, length);
    }
    if ((VirtioNetHeader.flags(buffer, header) & VirtioNetHeader.FLAG_NEEDS_CSUM) == 0) {
      return transmit(buffer, offset, length);
    }
    if (length > maxTransmitLength()) {
      return false;
    }
    if (queued == lengths.length) {
      flushTransmit();
    }
    long at = encapsulate(buffer, offset, length);
    // Offsets count from the start of the tagged frame; the encapsulated one has no tag.
    int start = VirtioNetHeader.checksumStart(buffer, header) - EthernetFrame.TAG_LENGTH;
    int field = start + VirtioNetHeader.checksumOffset(buffer, header);
    if (VirtioNetHeader.checksumStart(buffer, header) < EthernetFrame.TAGGED_HEADER_LENGTH
        || !InternetChecksum.completePartial(
            outbound.buffer(), at + VxlanHeader.LENGTH, length - 4, start, field)) {
      txDrops[VxlanTxDrop.MALFORMED_OFFLOAD_HEADER.ordinal()]++;
      return false;
    }
    runs[queued++] = 1;
    txChecksumsFinished++;
    return true;
  }

  private boolean transmitSegmented(MemorySegment buffer, long offset, int length) {
    int segments =
        segmenter.prepare(buffer, offset, length, EthernetFrame.TAG_LENGTH, true, maxInnerFrame);
    if (segments < 0) {
      txDrops[VxlanTxDrop.of(segmenter.refusal()).ordinal()]++;
      return false;
    }
    int vni = vniBase + (EthernetFrame.tci(buffer, offset) & EthernetFrame.VID_MASK);
    MemorySegment slots = outbound.buffer();
    int runStart = -1;
    int runBytes = 0;
    for (int i = 0; i < segments; i++) {
      if (queued == lengths.length) {
        flushTransmit();
        runStart = -1;
      }
      long at = (long) queued * outbound.slotSize();
      VxlanHeader.write(slots, at, vni);
      int datagram = VxlanHeader.LENGTH + segmenter.write(i, slots, at + VxlanHeader.LENGTH);
      lengths[queued] = datagram;
      if (runStart >= 0
          && runs[runStart] < DatagramBatch.MAX_RUN
          && runBytes + datagram <= DatagramBatch.MAX_RUN_BYTES) {
        runs[runStart]++;
        runBytes += datagram;
      } else {
        runStart = queued;
        runs[runStart] = 1;
        runBytes = datagram;
      }
      queued++;
    }
    txSegmentedFrames++;
    return true;
  }

  @Override
  public void flushTransmit() {
    if (queued == 0) {
      return;
    }
    int sent = outbound.send(lengths, runs, queued);
    txDatagrams += sent;
    txDropped += queued - sent;
    queued = 0;
  }

  /** Datagrams the kernel took. */
  public long txDatagrams() {
    return txDatagrams;
  }

  /** Encapsulated frames the kernel did not take (socket buffer full, no route). */
  public long txDropped() {
    return txDropped;
  }

  /** Frames with an offload header refused for {@code reason}. */
  public long txDrops(VxlanTxDrop reason) {
    return txDrops[reason.ordinal()];
  }

  /** TCP GSO frames cut into segments and sent. */
  public long txSegmentedFrames() {
    return txSegmentedFrames;
  }

  /**
   * Times the kernel refused a UDP GSO run to this peer, after each of which runs went datagram by
   * datagram for 10 s before UDP GSO was tried again.
   */
  public long txGsoFallbacks() {
    return outbound.gsoFallbacks();
  }

  /** Frames whose L4 checksum was finished here before they were sent. */
  public long txChecksumsFinished() {
    return txChecksumsFinished;
  }

  /** Frames decapsulated for this port that were dropped because its ring was full. */
  public long ringOverflows() {
    return inbound.overflows();
  }

  FrameRing inbound() {
    return inbound;
  }

  @Override
  public boolean isLinkUp() {
    return !closed;
  }

  /** The tunnel socket, shared by every peer port of the tunnel; -1 without one. */
  @Override
  public int pollFd() {
    return socket == null ? -1 : socket.fd();
  }

  /**
   * The socket polls readable while datagrams wait, and frames another peer's thread puts into the
   * ring come with a run of the receive wake-up.
   */
  @Override
  public boolean announcesFrames() {
    return true;
  }

  /**
   * Stops the port. The tunnel owns the socket and the port's memory: a port still attached to the
   * tunnel keeps its memory until the tunnel closes; one the tunnel has let go of ({@link
   * VxlanTunnel#removePeer}) frees it here, when the switch, which closes a port only once no
   * forwarding thread uses it any more, is done with it.
   */
  @Override
  public void close() {
    Runnable release;
    synchronized (this) {
      closed = true;
      release = releaseOnClose;
      releaseOnClose = null;
    }
    if (release != null) {
      release.run();
    }
  }

  /**
   * Runs {@code release} when the port is closed, at once if it is closed already: the tunnel's way
   * to free the memory of a peer no datagram can reach any more.
   */
  void releaseOnClose(Runnable release) {
    synchronized (this) {
      if (!closed) {
        releaseOnClose = release;
        return;
      }
    }
    release.run();
  }
}
