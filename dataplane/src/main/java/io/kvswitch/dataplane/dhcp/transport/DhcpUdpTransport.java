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
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import java.util.concurrent.TimeUnit;
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

  private final EventLoopGroup group;
  private final Channel channel;
  private final DhcpCodecCounters codecCounters;
  private final LongAdder dropped;

  private DhcpUdpTransport(
      EventLoopGroup group, Channel channel, DhcpCodecCounters codecCounters, LongAdder dropped) {
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

  /** Replies that could not be sent or computed. */
  public long failedReplies() {
    return dropped.sum();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Hands each decoded message to the server and sends what it answers. */
  private static final class Responder
      extends SimpleChannelInboundHandler<AddressedEnvelope<DhcpMessage, InetSocketAddress>> {

    private final DhcpServer server;
    private final String port;
    private final LongAdder dropped;

    Responder(DhcpServer server, String port, LongAdder dropped) {
      this.server = server;
      this.port = port;
      this.dropped = dropped;
    }

    @Override
    public boolean isSharable() {
      return false;
    }

    @Override
    protected void channelRead0(
        ChannelHandlerContext ctx, AddressedEnvelope<DhcpMessage, InetSocketAddress> envelope) {
      DhcpMessage request = envelope.content();
      server
          .handle(request, port)
          .whenComplete(
              (reply, failure) -> {
                if (failure != null) {
                  dropped.increment();
                  LOG.log(System.Logger.Level.WARNING, "DHCP server failed on " + request, failure);
                  return;
                }
                reply.ifPresent(r -> send(ctx.channel(), request, r));
              });
    }

    private void send(Channel channel, DhcpMessage request, DhcpMessage reply) {
      ReplyDestination destination =
          ReplyDestination.of(request, reply, request.clientMac().orElse(MacAddress.BROADCAST));
      Ipv4Address ip =
          destination.kind() == ReplyDestination.Kind.CLIENT_HARDWARE
              ? Ipv4Address.BROADCAST
              : destination.ip();
      InetSocketAddress target = new InetSocketAddress(ip.toInetAddress(), destination.port());
      channel
          .writeAndFlush(new DefaultAddressedEnvelope<>(reply, target))
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  dropped.increment();
                  LOG.log(
                      System.Logger.Level.WARNING,
                      "cannot send DHCP reply to " + target + ": " + f.cause());
                }
              });
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
