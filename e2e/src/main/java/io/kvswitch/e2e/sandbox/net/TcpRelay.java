package io.kvswitch.e2e.sandbox.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;

/**
 * Forwards every TCP connection made to one address to another, byte for byte. The sandbox's nodes
 * reach the host only at {@link Underlay#HOST_ADDRESS}, so when the sandbox uses an existing
 * cluster this relay is how they (and the operator) reach that cluster's API server. TLS passes
 * through untouched: the client verifies the real server's certificate.
 */
public final class TcpRelay implements AutoCloseable {

  private final EventLoopGroup group;
  private final Channel listener;

  private TcpRelay(EventLoopGroup group, Channel listener) {
    this.group = group;
    this.listener = listener;
  }

  /** Listens on {@code from} and connects each accepted connection to {@code to}. */
  public static TcpRelay start(InetSocketAddress from, InetSocketAddress to)
      throws InterruptedException {
    return start(from, to, null);
  }

  /**
   * As {@link #start(InetSocketAddress, InetSocketAddress)}, but the accepted connections speak TLS
   * with {@code tls}'s certificate and the plain bytes go to {@code to}: an https front for a plain
   * http server (the existing-cluster stand-in, {@code sandbox api-server --tls}).
   */
  public static TcpRelay startTerminatingTls(
      InetSocketAddress from, InetSocketAddress to, SslContext tls) throws InterruptedException {
    return start(from, to, tls);
  }

  private static TcpRelay start(InetSocketAddress from, InetSocketAddress to, SslContext tls)
      throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.AUTO_READ, false)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel inbound) {
                      if (tls != null) {
                        // With AUTO_READ off the handler still reads until the handshake is done.
                        inbound.pipeline().addLast(tls.newHandler(inbound.alloc()));
                      }
                      inbound.pipeline().addLast(new Frontend(to));
                    }
                  })
              .bind(from)
              .sync()
              .channel();
      return new TcpRelay(group, listener);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully();
      throw e;
    }
  }

  /** The accepted side: opens the connection to the target, then copies what arrives to it. */
  private static final class Frontend extends ChannelInboundHandlerAdapter {
    private final InetSocketAddress target;
    private Channel outbound;

    Frontend(InetSocketAddress target) {
      this.target = target;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel inbound = ctx.channel();
      new Bootstrap()
          .group(inbound.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.AUTO_READ, false)
          .handler(new Backend(inbound))
          .connect(target)
          .addListener(
              (ChannelFutureListener)
                  connected -> {
                    if (connected.isSuccess()) {
                      outbound = connected.channel();
                      inbound.read();
                    } else {
                      // The client sees the connection close, as if the server refused it.
                      inbound.close();
                    }
                  });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object data) {
      forwardThenRead(ctx, outbound, data);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeAfterFlush(outbound);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      closeAfterFlush(ctx.channel());
    }
  }

  /** The connection to the target: copies its answers back to the client. */
  private static final class Backend extends ChannelInboundHandlerAdapter {
    private final Channel inbound;

    Backend(Channel inbound) {
      this.inbound = inbound;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object data) {
      forwardThenRead(ctx, inbound, data);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeAfterFlush(inbound);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      closeAfterFlush(ctx.channel());
    }
  }

  /**
   * Writes {@code data} to the other side and reads the next chunk only once it is written: a slow
   * peer slows the sender down instead of filling this process's memory.
   */
  private static void forwardThenRead(ChannelHandlerContext ctx, Channel to, Object data) {
    to.writeAndFlush(data)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (written.isSuccess()) {
                    ctx.channel().read();
                  } else {
                    written.channel().close();
                  }
                });
  }

  private static void closeAfterFlush(Channel channel) {
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The port it listens on (the one bound when {@code from} asked for port 0). */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    group.shutdownGracefully();
  }
}
