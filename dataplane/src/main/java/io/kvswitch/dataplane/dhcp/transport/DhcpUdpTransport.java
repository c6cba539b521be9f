package io.kvswitch.dataplane.dhcp.transport;

import io.kvswitch.dataplane.dhcp.codec.DatagramDhcpMessageDecoder;
import io.kvswitch.dataplane.dhcp.codec.DatagramDhcpMessageEncoder;
import io.kvswitch.dataplane.dhcp.codec.DhcpCodecCounters;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.frame.ReplyDestination;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serves one network over an ordinary UDP socket on port 67, bound to one interface (and, if given,
 * inside a network namespace). It exists so that real DHCP clients can be tested against the server
 * before the forwarding engine hands it frames, and as a standalone server.
 *
 * <p>Replies go where {@link ReplyDestination} says, with one exception: a kernel UDP socket cannot
 * unicast to a client that has no address yet (the kernel would ARP for it and nobody answers), so
 * {@link ReplyDestination.Kind#CLIENT_HARDWARE} replies are broadcast, as RFC 2131 §4.1 allows when
 * unicast is not possible. The layer-2 path in the engine unicasts them.
 */
public final class DhcpUdpTransport implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(DhcpUdpTransport.class.getName());

  /**
   * The socket's receive queue: some 2,000 requests, so that a burst (a rack powering up, every
   * client of a network renewing at once) or a pause of the event loop (a garbage collection) is
   * queued rather than dropped. The kernel's default, about 200 KiB, holds only a hundred or so.
   */
  static final int RECEIVE_BUFFER_BYTES = 4 << 20;

  private final EventLoopGroup group;
  private final EpollDatagramChannel channel;
  private final DhcpCodecCounters codecCounters;
  private final LongAdder dropped;

  private DhcpUdpTransport(
      EventLoopGroup group,
      EpollDatagramChannel channel,
      DhcpCodecCounters codecCounters,
      LongAdder dropped) {
    this.group = group;
    this.channel = channel;
    this.codecCounters = codecCounters;
    this.dropped = dropped;
  }

  /**
   * Binds 0.0.0.0:67 on {@code interfaceName} and starts answering.
   *
   * @param namespace the network namespace the interface lives in ({@code ip netns} name), or empty
   *     for the JVM's own
   */
  public static DhcpUdpTransport start(
      DhcpServer server, String interfaceName, Optional<String> namespace) throws IOException {
    DhcpCodecCounters codecCounters = new DhcpCodecCounters();
    LongAdder dropped = new LongAdder();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    EpollDatagramChannel channel = null;
    try {
      channel =
          namespace.isPresent()
              ? LinuxSockets.callInNamespace(namespace.get(), DhcpUdpTransport::newChannel)
              : newChannel();
      LinuxSockets.bindToDevice(channel.fd().intValue(), interfaceName);
      LinuxSockets.raiseReceiveBuffer(channel, RECEIVE_BUFFER_BYTES);
      channel.config().setBroadcast(true);
      channel.config().setReuseAddress(true);
      channel
          .pipeline()
          .addLast(new DatagramDhcpMessageDecoder(codecCounters))
          .addLast(new DatagramDhcpMessageEncoder(codecCounters))
          .addLast(new Responder(server, interfaceName, dropped));
      await(group.register(channel), "register");
      await(channel.bind(new InetSocketAddress(ReplyDestination.SERVER_PORT)), "bind port 67");
      return new DhcpUdpTransport(group, channel, codecCounters, dropped);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.unsafe().closeForcibly();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static EpollDatagramChannel newChannel() {
    return new EpollDatagramChannel(SocketProtocolFamily.INET);
  }

  private static void await(ChannelFuture future, String what) throws IOException {
    future.awaitUninterruptibly();
    if (!future.isSuccess()) {
      throw new IOException("cannot " + what + ": " + future.cause().getMessage(), future.cause());
    }
  }

  /** Datagrams refused as malformed DHCP. */
  public long malformedDatagrams() {
    return codecCounters.malformed();
  }

  /** Datagrams decoded. */
  public long decodedDatagrams() {
    return codecCounters.decoded();
  }

  /** The socket's receive buffer as the kernel reports it (twice what was set, for overhead). */
  public int receiveBufferBytes() {
    return channel.config().getReceiveBufferSize();
  }

  /** Replies that could not be sent or computed. */
  public long failedReplies() {
    return dropped.sum();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /**
   * Hands each decoded message to the server and sends what it answers, with as few system calls
   * and thread hand-offs as the replies allow:
   *
   * <ul>
   *   <li>A reply the server gives at once (OFFER, NAK) is written on the event loop during the
   *       read and flushed once when the read batch ends, so the replies to one batch of datagrams
   *       go out together ({@code sendmmsg} when there are several).
   *   <li>A reply that completes later on another thread (an ACK, after its lease write) is queued;
   *       the first one queued schedules one task on the event loop that writes every reply queued
   *       by then and flushes once. A batch of leases written together costs one wake-up of the
   *       event loop, not one per ACK.
   * </ul>
   */
  private static final class Responder
      extends SimpleChannelInboundHandler<AddressedEnvelope<DhcpMessage, InetSocketAddress>> {

    /** A reply waiting for the event loop, with the request it answers (for its destination). */
    private record Outgoing(DhcpMessage request, DhcpMessage reply) {}

    private final DhcpServer server;
    private final String port;
    private final LongAdder dropped;
    private final Queue<Outgoing> completedElsewhere = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ChannelFutureListener countFailure;
    private ChannelHandlerContext ctx;

    /** The last reply's destination and its address; event loop only. */
    private InetSocketAddress lastTarget;

    private Ipv4Address lastTargetIp;

    /** Replies written during the current read batch and not flushed yet; event loop only. */
    private boolean unflushed;

    Responder(DhcpServer server, String port, LongAdder dropped) {
      this.server = server;
      this.port = port;
      this.dropped = dropped;
      this.countFailure =
          f -> {
            if (!f.isSuccess()) {
              dropped.increment();
              LOG.log(System.Logger.Level.WARNING, "cannot send DHCP reply: " + f.cause());
            }
          };
    }

    @Override
    public boolean isSharable() {
      return false;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    protected void channelRead0(
        ChannelHandlerContext ctx, AddressedEnvelope<DhcpMessage, InetSocketAddress> envelope) {
      DhcpMessage request = envelope.content();
      CompletableFuture<Optional<DhcpMessage>> answer;
      try {
        answer = server.handle(request, port);
      } catch (RuntimeException e) {
        failed(request, e);
        return;
      }
      if (answer.isDone() && !answer.isCompletedExceptionally()) {
        answer.join().ifPresent(reply -> write(request, reply));
        return;
      }
      answer.whenComplete(
          (reply, failure) -> {
            if (failure != null) {
              failed(request, failure);
            } else if (reply.isPresent()) {
              completedElsewhere.add(new Outgoing(request, reply.get()));
              if (drainScheduled.compareAndSet(false, true)) {
                ctx.executor().execute(this::writeCompletedElsewhere);
              }
            }
          });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (unflushed) {
        unflushed = false;
        ctx.flush();
      }
      ctx.fireChannelReadComplete();
    }

    /** On the event loop: sends every reply queued from other threads, with one flush. */
    private void writeCompletedElsewhere() {
      // Cleared before the queue is read: a reply queued after the last poll schedules a new run.
      drainScheduled.set(false);
      Outgoing next;
      boolean any = false;
      while ((next = completedElsewhere.poll()) != null) {
        write(next.request, next.reply);
        any = true;
      }
      if (any) {
        unflushed = false;
        ctx.flush();
      }
    }

    /** On the event loop: writes one reply; the caller flushes. */
    private void write(DhcpMessage request, DhcpMessage reply) {
      ReplyDestination destination =
          ReplyDestination.of(request, reply, request.clientMac().orElse(MacAddress.BROADCAST));
      Ipv4Address ip =
          destination.kind() == ReplyDestination.Kind.CLIENT_HARDWARE
              ? Ipv4Address.BROADCAST
              : destination.ip();
      InetSocketAddress target = target(ip, destination.port());
      ctx.write(new DefaultAddressedEnvelope<>(reply, target)).addListener(countFailure);
      unflushed = true;
    }

    /**
     * The socket address of a reply. Behind a relay every reply goes to the same one, so the last
     * is kept rather than built again for each reply.
     */
    private InetSocketAddress target(Ipv4Address ip, int port) {
      InetSocketAddress last = lastTarget;
      if (last == null || !ip.equals(lastTargetIp) || last.getPort() != port) {
        last = new InetSocketAddress(ip.toInetAddress(), port);
        lastTarget = last;
        lastTargetIp = ip;
      }
      return last;
    }

    private void failed(DhcpMessage request, Throwable failure) {
      dropped.increment();
      LOG.log(System.Logger.Level.WARNING, "DHCP server failed on " + request, failure);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Malformed datagrams were counted by the decoder; the channel stays open for the next.
      if (cause instanceof CorruptedFrameException
          || cause instanceof DecoderException d
              && d.getCause() instanceof CorruptedFrameException) {
        LOG.log(
            System.Logger.Level.DEBUG, "dropped malformed DHCP datagram: " + cause.getMessage());
        return;
      }
      LOG.log(System.Logger.Level.WARNING, "unexpected error on DHCP socket", cause);
    }
  }
}
