package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.CharsetUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of the plugin: a Unix socket that takes one JSON {@link CniRequest} per
 * connection, on one line, and answers with one {@link CniResponse} line. Requests are handled one
 * at a time, off the event loop, since creating interfaces blocks.
 */
public final class CniServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CniServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REQUEST = 1 << 20;

  private final EventLoopGroup group;
  private final ExecutorService handlerThread;
  private final Channel channel;
  private final Path path;

  private CniServer(Path path, CniHandler handler) throws InterruptedException {
    this.path = path;
    try {
      Files.createDirectories(path.getParent());
      // A socket file left by an agent that died is in the way; no one listens on it.
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + path, e);
    }
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    handlerThread =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("kvswitch-cni").daemon().unstarted(r));
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerDomainSocketChannel.class)
            .childHandler(
                new ChannelInitializer<DomainSocketChannel>() {
                  @Override
                  protected void initChannel(DomainSocketChannel ch) {
                    ch.pipeline()
                        .addLast(new LineBasedFrameDecoder(MAX_REQUEST))
                        .addLast(new StringDecoder(CharsetUtil.UTF_8))
                        .addLast(new RequestHandler(handler, handlerThread));
                  }
                })
            .bind(new DomainSocketAddress(path.toFile()))
            .sync()
            .channel();
  }

  /** Listens on {@code path}, replacing a stale socket file there. */
  public static CniServer start(Path path, CniHandler handler) {
    try {
      return new CniServer(path, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + path, e);
    }
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    handlerThread.shutdown();
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", path, e.getMessage());
    }
  }

  private static final class RequestHandler extends SimpleChannelInboundHandler<String> {
    private final CniHandler handler;
    private final ExecutorService executor;

    RequestHandler(CniHandler handler, ExecutorService executor) {
      this.handler = handler;
      this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
      executor.execute(
          () -> {
            CniResponse response;
            try {
              response = handler.handle(JSON.readValue(line, CniRequest.class));
            } catch (IOException e) {
              response =
                  CniResponse.error(
                      new CniError(CniError.DECODING_FAILURE, "bad request: " + e.getMessage()));
            }
            String answer;
            try {
              answer = JSON.writeValueAsString(response) + "\n";
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(answer.getBytes(CharsetUtil.UTF_8)))
                .addListener(ChannelFutureListener.CLOSE);
          });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn("CNI connection failed: {}", cause.toString());
      ctx.close();
    }
  }
}
