package io.kvswitch.dataplane.dhcp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Decodes a buffer holding exactly one DHCP message (a UDP payload) into a {@link DhcpMessage}.
 *
 * <p>Stateless and {@link Sharable}. The decoded message copies what it needs, so nothing is half
 * built when decoding fails: the input buffer is released by {@link MessageToMessageDecoder} and
 * the {@link CorruptedFrameException} goes down the pipeline to be logged and dropped.
 */
@ChannelHandler.Sharable
public final class DhcpMessageDecoder extends MessageToMessageDecoder<ByteBuf> {

  private final DhcpCodecCounters counters;

  public DhcpMessageDecoder(DhcpCodecCounters counters) {
    super(ByteBuf.class);
    this.counters = counters;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    out.add(decodeCounted(in, counters));
  }

  static DhcpMessage decodeCounted(ByteBuf in, DhcpCodecCounters counters) {
    DhcpMessage message;
    try {
      message = DhcpWireFormat.decode(in);
    } catch (CorruptedFrameException e) {
      counters.countMalformed();
      throw e;
    }
    counters.countDecoded();
    return message;
  }
}
