package io.kvswitch.dataplane.dhcp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** Encodes a {@link DhcpMessage} into a buffer holding exactly that message. Stateless. */
@ChannelHandler.Sharable
public final class DhcpMessageEncoder extends MessageToMessageEncoder<DhcpMessage> {

  private final DhcpCodecCounters counters;

  public DhcpMessageEncoder(DhcpCodecCounters counters) {
    super(DhcpMessage.class);
    this.counters = counters;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, DhcpMessage message, List<Object> out) {
    out.add(encodeCounted(ctx, message, counters));
  }

  static ByteBuf encodeCounted(
      ChannelHandlerContext ctx, DhcpMessage message, DhcpCodecCounters counters) {
    ByteBuf buf = ctx.alloc().buffer(DhcpWireFormat.encodedLength(message));
    try {
      DhcpWireFormat.encode(message, buf);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
    counters.countEncoded();
    return buf;
  }
}
