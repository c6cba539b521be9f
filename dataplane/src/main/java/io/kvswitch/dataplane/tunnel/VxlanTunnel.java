package io.kvswitch.dataplane.tunnel;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * This node's VTEP: one UDP socket (netty epoll, one event-loop thread) on the local address, and
 * one {@link VxlanPeerPort} per peer for the switch to plug in.
 *
 * <p>Receive: the event loop decapsulates each datagram into the sending peer's {@link FrameRing};
 * the forwarding thread that owns that peer's port drains the ring like any other port's receive
 * queue. Transmit: the forwarding thread encapsulates into the peer's preallocated batch and sends
 * it with {@code sendmmsg} on the same socket ({@link SendmmsgDatagramBatch} says why not through
 * netty). The socket sends from the VXLAN port itself, so every flow between two nodes has one
 * source port; RFC 7348 only recommends a per-flow source port for ECMP entropy in the underlay.
 */
public final class VxlanTunnel implements AutoCloseable {

  /** Frames that can wait per peer between the event loop and the forwarding thread. */
  private static final int RING_SLOTS = 4096;

  /** Datagrams per sendmmsg. */
  private static final int BATCH_SLOTS = 64;

  private static final int SOCKET_BUFFER_BYTES = 4 << 20;

  private final EventLoopGroup group;
  private final EpollDatagramChannel channel;
  private final Arena arena;
  private final List<VxlanPeerPort> ports;
  private final List<SendmmsgDatagramBatch> batches;
  private final VxlanDecapsulator decapsulator;
  private final int underlayMtu;

  private VxlanTunnel(
      EventLoopGroup group,
      EpollDatagramChannel channel,
      Arena arena,
      List<VxlanPeerPort> ports,
      List<SendmmsgDatagramBatch> batches,
      VxlanDecapsulator decapsulator,
      int underlayMtu) {
    this.group = group;
    this.channel = channel;
    this.arena = arena;
    this.ports = ports;
    this.batches = batches;
    this.decapsulator = decapsulator;
    this.underlayMtu = underlayMtu;
  }

  /**
   * Binds the VTEP's socket and makes the peer ports; frames flow once the ports are plugged in.
   */
  public static VxlanTunnel open(VxlanSettings settings) throws IOException {
    int mtu = settings.underlayMtu() > 0 ? settings.underlayMtu() : detectMtu(settings);
    int maxInnerFrame = mtu - VxlanHeader.IPV4_ENCAPSULATION_OVERHEAD;
    if (maxInnerFrame < 64) {
      throw new IOException("underlay MTU " + mtu + " leaves no room for VXLAN frames");
    }
    int slotSize = maxInnerFrame + 4;
    int datagramSlot = (VxlanHeader.LENGTH + maxInnerFrame + 63) & ~63;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    Arena arena = Arena.ofShared();
    EpollDatagramChannel channel = null;
    List<SendmmsgDatagramBatch> batches = new ArrayList<>();
    try {
      channel = new EpollDatagramChannel(SocketProtocolFamily.INET);
      int fd = channel.fd().intValue();
      List<VxlanPeerPort> ports = new ArrayList<>();
      for (VxlanPeer peer : settings.peers()) {
        SendmmsgDatagramBatch batch =
            new SendmmsgDatagramBatch(
                fd, peer.address(), settings.udpPort(), BATCH_SLOTS, datagramSlot);
        batches.add(batch);
        ports.add(
            new VxlanPeerPort(
                peer.name(),
                peer.address(),
                peer.vlans(),
                settings.vniBase(),
                maxInnerFrame,
                new FrameRing(RING_SLOTS, slotSize, arena),
                batch));
      }
      VxlanDecapsulator decapsulator = new VxlanDecapsulator(settings.vniBase(), ports);
      int maxDatagram = VxlanHeader.LENGTH + maxInnerFrame;
      channel.config().setOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES);
      channel.config().setOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES);
      channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(maxDatagram + 1));
      channel.pipeline().addLast(new VxlanReceiveHandler(decapsulator, maxDatagram));
      await(group.register(channel), "register the VXLAN socket");
      await(
          channel.bind(new InetSocketAddress(settings.localAddress(), settings.udpPort())),
          "bind " + settings.localAddress().getHostAddress() + ":" + settings.udpPort());
      return new VxlanTunnel(group, channel, arena, ports, batches, decapsulator, mtu);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.unsafe().closeForcibly();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
      batches.forEach(SendmmsgDatagramBatch::close);
      arena.close();
      throw e;
    }
  }

  private static int detectMtu(VxlanSettings settings) throws IOException {
    NetworkInterface device;
    try {
      device = NetworkInterface.getByInetAddress(settings.localAddress());
    } catch (SocketException e) {
      throw new IOException("cannot list network interfaces: " + e.getMessage(), e);
    }
    if (device == null) {
      throw new IOException(
          "vxlan.localAddress "
              + settings.localAddress().getHostAddress()
              + " is not an address of this node");
    }
    return device.getMTU();
  }

  private static void await(ChannelFuture future, String what) throws IOException {
    future.awaitUninterruptibly();
    if (!future.isSuccess()) {
      throw new IOException("cannot " + what + ": " + future.cause().getMessage(), future.cause());
    }
  }

  /** One port per peer, in the order of the settings. */
  public List<VxlanPeerPort> ports() {
    return ports;
  }

  /** The underlay IP MTU the tunnel sizes frames by. */
  public int underlayMtu() {
    return underlayMtu;
  }

  /** Datagrams dropped on receive for {@code reason}. */
  public long rxDrops(VxlanRxDrop reason) {
    return decapsulator.drops(reason);
  }

  /** Datagrams turned into frames. */
  public long rxDecapsulated() {
    return decapsulator.decapsulated();
  }

  /** Stops receiving and frees the rings; close the bridge (and so the ports) first. */
  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    batches.forEach(SendmmsgDatagramBatch::close);
    arena.close();
  }
}
