package io.kvswitch.dataplane.tunnel;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's VTEP: one UDP socket on the local address, which netty creates, binds, configures and
 * closes (epoll, one event-loop thread, auto-read off), and one {@link VxlanPeerPort} per peer for
 * the switch to plug in.
 *
 * <p>Receive: the forwarding threads read the socket themselves ({@link VxlanReceiver}): every peer
 * port polls the socket's descriptor, and the thread that reads walks each coalesced read in place,
 * its own peer's frames going straight into the switch and other peers' into their {@link
 * FrameRing}s. Transmit: the forwarding thread encapsulates into the peer's preallocated batch and
 * sends it with {@code sendmmsg} on the same socket ({@link SendmmsgDatagramBatch} says why not
 * through netty). The socket sends from the VXLAN port itself, so every flow between two nodes has
 * one source port; RFC 7348 only recommends a per-flow source port for ECMP entropy in the
 * underlay.
 *
 * <p>Peers come and go while the tunnel runs ({@link #addPeer}, {@link #removePeer}, and {@link
 * VxlanPeerPort#setVlans} for a peer's VLANs); the socket stays open. The receive side's peer table
 * is changed under the receive lock, between two reads, so a read never sees half a change; the
 * forwarding threads learn of a port through the switch, which adds and removes ports safely while
 * it forwards. Each peer's ring and send batch are its own memory, freed once nothing can reach
 * them: after the receive side has let go of the peer and the switch has closed its port.
 */
public final class VxlanTunnel implements AutoCloseable {

  /** Frames that can wait per peer for its forwarding thread, handed over by another's read. */
  private static final int RING_SLOTS = 4096;

  /** Datagrams per sendmmsg. */
  private static final int BATCH_SLOTS = 64;

  private static final int SOCKET_BUFFER_BYTES = 4 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(VxlanTunnel.class);

  private final EventLoopGroup group;
  private final EpollDatagramChannel channel;
  private final VxlanDecapsulator decapsulator;
  private final VxlanReceiver receiver;
  private final Inet4Address localAddress;
  private final int udpPort;
  private final int vniBase;
  private final int underlayMtu;
  private final int maxInnerFrame;
  private final Map<VxlanPeerPort, PeerMemory> memory = new HashMap<>();
  private final AtomicLong retiredTxDatagrams = new AtomicLong();
  private final AtomicLong retiredTxDropped = new AtomicLong();
  private final AtomicLong retiredRingOverflows = new AtomicLong();
  private final AtomicLong retiredTxSegmentedFrames = new AtomicLong();
  private final AtomicLong retiredTxGsoFallbacks = new AtomicLong();
  private final AtomicLong retiredRxCoalescedFrames = new AtomicLong();
  private final AtomicLong[] retiredTxDrops = new AtomicLong[VxlanTxDrop.values().length];
  private volatile List<VxlanPeerPort> ports = List.of();
  private boolean closed;

  private VxlanTunnel(
      EventLoopGroup group,
      EpollDatagramChannel channel,
      VxlanDecapsulator decapsulator,
      VxlanReceiver receiver,
      VxlanSettings settings,
      int underlayMtu) {
    this.group = group;
    this.channel = channel;
    this.decapsulator = decapsulator;
    this.receiver = receiver;
    this.localAddress = settings.localAddress();
    this.udpPort = settings.udpPort();
    this.vniBase = settings.vniBase();
    this.underlayMtu = underlayMtu;
    this.maxInnerFrame = underlayMtu - VxlanHeader.IPV4_ENCAPSULATION_OVERHEAD;
    for (int i = 0; i < retiredTxDrops.length; i++) {
      retiredTxDrops[i] = new AtomicLong();
    }
  }

  /**
   * Binds the VTEP's socket and makes a port for each peer in the settings; frames flow once the
   * ports are plugged in. More peers can be added later.
   */
  public static VxlanTunnel open(VxlanSettings settings) throws IOException {
    int mtu = settings.underlayMtu() > 0 ? settings.underlayMtu() : detectMtu(settings);
    int maxInnerFrame = mtu - VxlanHeader.IPV4_ENCAPSULATION_OVERHEAD;
    if (maxInnerFrame < 64) {
      throw new IOException("underlay MTU " + mtu + " leaves no room for VXLAN frames");
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    EpollDatagramChannel channel = null;
    VxlanReceiver receiver = null;
    VxlanTunnel tunnel = null;
    try {
      channel = new EpollDatagramChannel(SocketProtocolFamily.INET);
      VxlanDecapsulator decapsulator = new VxlanDecapsulator(settings.vniBase(), List.of());
      channel.config().setOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES);
      channel.config().setOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES);
      // The forwarding threads read the socket (VxlanReceiver); netty must never read it.
      channel.config().setAutoRead(false);
      enableReceiveCoalescing(channel);
      await(group.register(channel), "register the VXLAN socket");
      await(
          channel.bind(new InetSocketAddress(settings.localAddress(), settings.udpPort())),
          "bind " + settings.localAddress().getHostAddress() + ":" + settings.udpPort());
      receiver = new VxlanReceiver(channel.fd().intValue(), decapsulator);
      tunnel = new VxlanTunnel(group, channel, decapsulator, receiver, settings, mtu);
      for (VxlanPeer peer : settings.peers()) {
        tunnel.addPeer(peer);
      }
      return tunnel;
    } catch (IOException | RuntimeException e) {
      if (tunnel != null) {
        tunnel.close();
      } else {
        if (receiver != null) {
          receiver.close();
        }
        if (channel != null) {
          channel.unsafe().closeForcibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
      }
      throw e;
    }
  }

  /**
   * Asks the kernel to hand over runs of datagrams from one peer as one buffer ({@code UDP_GRO}): a
   * peer that sends UDP GSO runs has them delivered whole instead of cut back into datagrams before
   * the socket, and a forwarding thread reads a run with one system call and walks it in place, the
   * datagram size taken from the {@code UDP_GRO} control message ({@link RecvmmsgDatagramBatch}). A
   * kernel without it keeps datagram-by-datagram reads, which the same walk handles.
   */
  private static void enableReceiveCoalescing(EpollDatagramChannel channel) {
    try {
      channel.config().setOption(EpollChannelOption.UDP_GRO, true);
    } catch (ChannelException e) {
      LOG.info(
          "UDP_GRO is not available, the tunnel reads one datagram at a time: {}", e.getMessage());
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

  /**
   * Makes a port for {@code peer} and starts taking its datagrams. Plug the port into the switch (a
   * trunk of the peer's VLANs) to send to it and to forward what it receives.
   *
   * @throws IllegalArgumentException when a peer with that name or address exists already
   */
  public synchronized VxlanPeerPort addPeer(VxlanPeer peer) {
    if (closed) {
      throw new IllegalStateException("the VXLAN tunnel is closed");
    }
    for (VxlanPeerPort port : ports) {
      if (port.peerName().equals(peer.name())) {
        throw new IllegalArgumentException("a peer named '" + peer.name() + "' exists already");
      }
    }
    int datagramSlot = (VxlanHeader.LENGTH + maxInnerFrame + 63) & ~63;
    PeerMemory peerMemory = new PeerMemory(Arena.ofShared());
    VxlanPeerPort port;
    try {
      peerMemory.batch =
          new SendmmsgDatagramBatch(
              channel.fd().intValue(), peer.address(), udpPort, BATCH_SLOTS, datagramSlot);
      port =
          new VxlanPeerPort(
              peer.name(),
              peer.address(),
              peer.vlans(),
              vniBase,
              maxInnerFrame,
              new FrameRing(RING_SLOTS, maxInnerFrame + 4, peerMemory.arena),
              peerMemory.batch,
              receiver);
      receiver.change(() -> decapsulator.addPeer(port));
    } catch (RuntimeException e) {
      peerMemory.free();
      throw e;
    }
    memory.put(port, peerMemory);
    List<VxlanPeerPort> next = new ArrayList<>(ports);
    next.add(port);
    ports = List.copyOf(next);
    return port;
  }

  /**
   * Stops taking datagrams for {@code port}'s peer (from now on they count as {@code
   * unknown_peer}); returns once no read can hand it a frame any more. Then unplug the port from
   * the switch: its memory is freed when the switch closes it.
   */
  public synchronized void removePeer(VxlanPeerPort port) {
    PeerMemory peerMemory = memory.remove(port);
    if (peerMemory == null) {
      return;
    }
    List<VxlanPeerPort> next = new ArrayList<>(ports);
    next.remove(port);
    ports = List.copyOf(next);
    if (!closed) {
      receiver.change(() -> decapsulator.removePeer(port));
    }
    port.releaseOnClose(
        () -> {
          retiredTxDatagrams.addAndGet(port.txDatagrams());
          retiredTxDropped.addAndGet(port.txDropped());
          retiredRingOverflows.addAndGet(port.ringOverflows());
          retiredTxSegmentedFrames.addAndGet(port.txSegmentedFrames());
          retiredTxGsoFallbacks.addAndGet(port.txGsoFallbacks());
          retiredRxCoalescedFrames.addAndGet(port.rxCoalescedFrames());
          for (VxlanTxDrop reason : VxlanTxDrop.values()) {
            retiredTxDrops[reason.ordinal()].addAndGet(port.txDrops(reason));
          }
          peerMemory.free();
        });
  }

  /** One port per peer, in the order they were added. */
  public List<VxlanPeerPort> ports() {
    return ports;
  }

  /** This VTEP's address. */
  public Inet4Address localAddress() {
    return localAddress;
  }

  public int udpPort() {
    return udpPort;
  }

  public int vniBase() {
    return vniBase;
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

  /** The socket's receive side, for tests. */
  VxlanReceiver receiver() {
    return receiver;
  }

  /** Datagrams the kernel took, to every peer this tunnel ever had. */
  public long txDatagrams() {
    return retiredTxDatagrams.get() + ports.stream().mapToLong(VxlanPeerPort::txDatagrams).sum();
  }

  /** Encapsulated frames the kernel did not take, for every peer this tunnel ever had. */
  public long txDropped() {
    return retiredTxDropped.get() + ports.stream().mapToLong(VxlanPeerPort::txDropped).sum();
  }

  /** Frames dropped because a peer's receive ring was full, for every peer this tunnel ever had. */
  public long ringOverflows() {
    return retiredRingOverflows.get()
        + ports.stream().mapToLong(VxlanPeerPort::ringOverflows).sum();
  }

  /** TCP GSO frames cut into segments, for every peer this tunnel ever had. */
  public long txSegmentedFrames() {
    return retiredTxSegmentedFrames.get()
        + ports.stream().mapToLong(VxlanPeerPort::txSegmentedFrames).sum();
  }

  /**
   * Peers whose UDP GSO sends the kernel refused, so that their runs go datagram by datagram, for
   * every peer this tunnel ever had.
   */
  public long txGsoFallbacks() {
    return retiredTxGsoFallbacks.get()
        + ports.stream().mapToLong(VxlanPeerPort::txGsoFallbacks).sum();
  }

  /** GSO frames joined from received TCP segments, for every peer this tunnel ever had. */
  public long rxCoalescedFrames() {
    return retiredRxCoalescedFrames.get()
        + ports.stream().mapToLong(VxlanPeerPort::rxCoalescedFrames).sum();
  }

  /** Frames with an offload header refused for {@code reason}, for every peer this tunnel had. */
  public long txDrops(VxlanTxDrop reason) {
    return retiredTxDrops[reason.ordinal()].get()
        + ports.stream().mapToLong(port -> port.txDrops(reason)).sum();
  }

  /**
   * Stops receiving and frees every peer's memory; close the bridge (or unplug the ports) first.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    receiver.close();
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    memory.values().forEach(PeerMemory::free);
    memory.clear();
  }

  /** A peer's ring and send batch, freed once. */
  private static final class PeerMemory {
    private final Arena arena;
    private SendmmsgDatagramBatch batch;
    private boolean freed;

    PeerMemory(Arena arena) {
      this.arena = arena;
    }

    synchronized void free() {
      if (freed) {
        return;
      }
      freed = true;
      if (batch != null) {
        batch.close();
      }
      arena.close();
    }
  }
}
