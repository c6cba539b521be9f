package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A port on an existing Linux interface (the host end of a veth, a physical uplink) through an
 * AF_PACKET socket: every frame of the interface comes in through a TPACKET_V2 (per frame, for
 * latency) or V3 (per block) ring mapped into this process, and frames go out in {@code sendmmsg}
 * batches.
 *
 * <p>The socket sees all protocols ({@code ETH_P_ALL}) of this one interface, in promiscuous mode
 * (a switch port must receive frames for every MAC), and ignores the frames it sends itself ({@code
 * PACKET_IGNORE_OUTGOING}), which would otherwise come straight back in.
 */
public final class AfPacketPort implements Port {

  private static final int SOL_SOCKET = 1;
  private static final int SO_SNDBUFFORCE = 32;
  private static final int SO_RCVBUFFORCE = 33;
  private static final int SOL_PACKET = 263;
  private static final int PACKET_ADD_MEMBERSHIP = 1;
  private static final int PACKET_RX_RING = 5;
  private static final int PACKET_STATISTICS = 6;
  private static final int PACKET_COPY_THRESH = 7;
  private static final int PACKET_VERSION = 10;
  private static final int PACKET_VNET_HDR = 15;
  private static final int PACKET_IGNORE_OUTGOING = 23;
  private static final int TPACKET_V2 = 1;
  private static final int TPACKET_V3 = 2;
  private static final int PACKET_MR_PROMISC = 1;
  private static final short ETH_P_ALL = 0x0003;
  private static final int V3_NOMINAL_FRAME_SIZE = 2048;
  private static final int ETH_HEADER = 14;
  private static final int VLAN_TAG = 4;
  private static final int ETH_P_8021Q = 0x8100;
  private static final int ETH_P_8021AD = 0x88a8;
  private static final ValueLayout.OfShort ETHER_TYPE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final String name;
  private final int fd;
  private final int headerLength;
  private final int maxUntaggedFrame;
  private final Arena arena;
  private final RxRing rxRing;
  private final SendmmsgQueue txQueue;
  private final NetDeviceControl device;
  private final PortCounters counters;
  private boolean closed;

  private AfPacketPort(
      String name,
      int fd,
      int headerLength,
      int maxUntaggedFrame,
      Arena arena,
      RxRing rxRing,
      SendmmsgQueue txQueue,
      NetDeviceControl device,
      PortCounters counters) {
    this.name = name;
    this.fd = fd;
    this.headerLength = headerLength;
    this.maxUntaggedFrame = maxUntaggedFrame;
    this.arena = arena;
    this.rxRing = rxRing;
    this.txQueue = txQueue;
    this.device = device;
    this.counters = counters;
  }

  /**
   * Opens a port on {@code interfaceName} in the calling thread's network namespace. The
   * interface's MTU is read once, here: {@link #transmit} refuses frames longer than it plus an
   * Ethernet header (and the tag, for 802.1Q frames), as the kernel would.
   */
  public static AfPacketPort open(String interfaceName, AfPacketOptions options) {
    int ifindex = Libc.ifNameToIndex(interfaceName);
    // Protocol 0: the socket receives nothing until bind names the interface, so no frame from
    // another interface slips into the ring in between.
    int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
    // Shared: the port is opened on one thread and driven by a forwarding thread. Closing a
    // shared arena waits until no thread is inside an access, so the ring is never unmapped under
    // a reader; afterwards any access fails with an exception instead of a crash.
    Arena arena = Arena.ofShared();
    try {
      int headerLength = options.offloads() ? VirtioNetHeader.LENGTH : 0;
      PortCounters counters = new PortCounters();
      boolean v3 = options.ringVersion() == AfPacketOptions.RingVersion.TPACKET_V3;
      Libc.setsockoptInt(
          fd, SOL_PACKET, PACKET_VERSION, v3 ? TPACKET_V3 : TPACKET_V2, "PACKET_VERSION");
      if (options.offloads()) {
        Libc.setsockoptInt(fd, SOL_PACKET, PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
      }
      if (!v3) {
        // Frames too big for a slot are queued whole on the socket (TpacketV2RxRing reads them).
        Libc.setsockoptInt(fd, SOL_PACKET, PACKET_COPY_THRESH, 1, "PACKET_COPY_THRESH");
      }
      Libc.setsockoptInt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
      if (options.socketBufferBytes() > 0) {
        Libc.setsockoptInt(
            fd, SOL_SOCKET, SO_RCVBUFFORCE, options.socketBufferBytes(), "SO_RCVBUFFORCE");
        Libc.setsockoptInt(
            fd, SOL_SOCKET, SO_SNDBUFFORCE, options.socketBufferBytes(), "SO_SNDBUFFORCE");
      }
      Libc.setsockopt(
          fd, SOL_PACKET, PACKET_RX_RING, ringRequest(options, arena), "PACKET_RX_RING");
      MemorySegment ring = Libc.mmap((long) options.blockSize() * options.blockCount(), fd, arena);
      Libc.bind(fd, packetAddress(ifindex, arena));
      Libc.setsockopt(
          fd,
          SOL_PACKET,
          PACKET_ADD_MEMBERSHIP,
          promiscuousMembership(ifindex, arena),
          "PACKET_ADD_MEMBERSHIP");
      NetDeviceControl device = new NetDeviceControl(fd, interfaceName, arena);
      int maxUntaggedFrame = device.mtu() + ETH_HEADER;
      return new AfPacketPort(
          interfaceName,
          fd,
          headerLength,
          maxUntaggedFrame,
          arena,
          v3
              ? new TpacketV3RxRing(
                  ring, options.blockSize(), options.blockCount(), headerLength, counters)
              : new TpacketV2RxRing(
                  ring,
                  options.slotSize(),
                  options.blockSize() / options.slotSize() * options.blockCount(),
                  fd,
                  arena.allocate(TpacketV2RxRing.copyBufferSize(), 64),
                  headerLength,
                  counters),
          new SendmmsgQueue(
              fd,
              options.transmitBatch(),
              options.transmitBufferBytes(),
              headerLength,
              counters,
              arena),
          device,
          counters);
    } catch (RuntimeException e) {
      arena.close();
      Libc.close(fd);
      throw e;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    return rxRing.receive(sink, maxFrames);
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    if (length < ETH_HEADER
        || length > maxUntaggedFrame + (isTagged(buffer, offset) ? VLAN_TAG : 0)) {
      return false;
    }
    return txQueue.add(buffer, offset, length);
  }

  private static boolean isTagged(MemorySegment buffer, long offset) {
    int etherType = buffer.get(ETHER_TYPE, offset + 12) & 0xffff;
    return etherType == ETH_P_8021Q || etherType == ETH_P_8021AD;
  }

  @Override
  public int offloadHeaderLength() {
    return headerLength;
  }

  @Override
  public boolean transmitOffloaded(MemorySegment buffer, long offset, int length) {
    if (headerLength == 0) {
      return Port.super.transmitOffloaded(buffer, offset, length);
    }
    if (length < ETH_HEADER || length > txQueue.capacity()) {
      return false;
    }
    return txQueue.addWithHeader(buffer, offset, length);
  }

  @Override
  public void flushTransmit() {
    txQueue.flush();
  }

  @Override
  public boolean isLinkUp() {
    return device.isUp();
  }

  @Override
  public int pollFd() {
    return fd;
  }

  /** This port's own counters. */
  public PortCounters counters() {
    return counters;
  }

  /**
   * Frames the kernel dropped because the receive ring was full, since the last call (reading
   * {@code PACKET_STATISTICS} resets the kernel's counts).
   */
  public long takeKernelDrops() {
    try (Arena scratch = Arena.ofConfined()) {
      // struct tpacket_stats_v3 { unsigned int tp_packets, tp_drops, tp_freeze_q_cnt; }
      MemorySegment stats = scratch.allocate(12, 4);
      Libc.getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, stats, "PACKET_STATISTICS");
      return Integer.toUnsignedLong(stats.get(ValueLayout.JAVA_INT, 4));
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      arena.close();
    } finally {
      Libc.close(fd);
    }
  }

  /**
   * {@code struct tpacket_req3}; TPACKET_V2 reads only its first four fields ({@code struct
   * tpacket_req}). V3 ignores the frame size beyond checking it divides the block; V2 gets slots of
   * {@link AfPacketOptions#slotSize()}, back to back (the size divides the block).
   */
  private static MemorySegment ringRequest(AfPacketOptions options, Arena arena) {
    MemorySegment request = arena.allocate(28, 4);
    int frameSize =
        options.ringVersion() == AfPacketOptions.RingVersion.TPACKET_V3
            ? V3_NOMINAL_FRAME_SIZE
            : options.slotSize();
    request.set(ValueLayout.JAVA_INT, 0, options.blockSize());
    request.set(ValueLayout.JAVA_INT, 4, options.blockCount());
    request.set(ValueLayout.JAVA_INT, 8, frameSize);
    request.set(ValueLayout.JAVA_INT, 12, options.blockSize() / frameSize * options.blockCount());
    request.set(ValueLayout.JAVA_INT, 16, options.blockTimeoutMillis());
    return request;
  }

  /** {@code struct sockaddr_ll} naming the interface and all protocols. */
  private static MemorySegment packetAddress(int ifindex, Arena arena) {
    MemorySegment address = arena.allocate(20, 4);
    address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
    address.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, ETH_P_ALL);
    address.set(ValueLayout.JAVA_INT, 4, ifindex);
    return address;
  }

  /** {@code struct packet_mreq} for promiscuous mode, which the kernel drops with the socket. */
  private static MemorySegment promiscuousMembership(int ifindex, Arena arena) {
    MemorySegment request = arena.allocate(16, 4);
    request.set(ValueLayout.JAVA_INT, 0, ifindex);
    request.set(ValueLayout.JAVA_SHORT, 4, (short) PACKET_MR_PROMISC);
    return request;
  }
}
