package io.kvswitch.dataplane.dhcp.frame;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import io.kvswitch.dataplane.dhcp.server.DhcpServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers DHCP frames from the access ports of one VLAN: frame in, reply frame out, for the engine
 * to transmit on the port the request came from. Malformed frames are counted and dropped; nothing
 * here throws on bad input.
 */
public final class DhcpFrameResponder {

  private final DhcpServer server;
  private final MacAddress serverMac;
  private final ByteBufAllocator alloc;
  private final LongAdder malformed = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /**
   * @param serverMac the source MAC of replies; a locally administered address of the switch
   */
  public DhcpFrameResponder(DhcpServer server, MacAddress serverMac, ByteBufAllocator alloc) {
    this.server = server;
    this.serverMac = serverMac;
    this.alloc = alloc;
  }

  /**
   * Handles one frame that {@link DhcpFrameCodec#isDhcpToServer} accepted. The frame is only read
   * during the call; the caller keeps ownership.
   *
   * @return the reply frame, owned by the caller, once the server has answered (after the lease
   *     write for an ACK); empty when the server stays silent or the frame was malformed
   */
  public CompletableFuture<Optional<ByteBuf>> answer(ByteBuf frame, String ingressPort) {
    DhcpFrame request;
    try {
      request = DhcpFrameCodec.parse(frame);
    } catch (CorruptedFrameException e) {
      malformed.increment();
      return CompletableFuture.completedFuture(Optional.empty());
    }
    try {
      return server
          .handle(request.message(), ingressPort)
          .thenApply(reply -> reply.map(r -> frameFor(request, r)))
          .exceptionally(
              failure -> {
                failed.increment();
                return Optional.empty();
              });
    } catch (RuntimeException e) {
      // A bug in the server must cost one reply, never the engine thread that called.
      failed.increment();
      return CompletableFuture.completedFuture(Optional.empty());
    }
  }

  private ByteBuf frameFor(DhcpFrame request, DhcpMessage reply) {
    ReplyDestination destination =
        ReplyDestination.of(request.message(), reply, request.sourceMac());
    return DhcpFrameCodec.build(alloc, reply, destination, serverMac, server.config().serverId());
  }

  /** Frames refused as malformed. */
  public long malformedFrames() {
    return malformed.sum();
  }

  /** Requests the server failed on; each one is a bug worth a look. */
  public long failedRequests() {
    return failed.sum();
  }
}
