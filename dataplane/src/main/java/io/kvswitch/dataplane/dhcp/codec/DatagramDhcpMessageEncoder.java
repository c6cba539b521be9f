package io.kvswitch.dataplane.dhcp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.net.InetSocketAddress;
import java.util.List;

/** Encodes addressed {@link DhcpMessage}s into UDP datagrams. Stateless. */
@ChannelHandler.Sharable
public final class DatagramDhcpMessageEncoder
    extends MessageToMessageEncoder<AddressedEnvelope<DhcpMessage, InetSocketAddress>> {

  private final DhcpCodecCounters counters;

  public DatagramDhcpMessageEncoder(DhcpCodecCounters counters) {
    this.counters = counters;
  }

  /** Any envelope matches the generic type; take only those that carry a DHCP message. */
  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof AddressedEnvelope<?, ?> envelope
        && envelope.content() instanceof DhcpMessage
        && envelope.recipient() instanceof InetSocketAddress;
  }

  @Override
  protected void encode(
      ChannelHandlerContext ctx,
      AddressedEnvelope<DhcpMessage, InetSocketAddress> envelope,
      List<Object> out) {
    ByteBuf buf = DhcpMessageEncoder.encodeCounted(ctx, envelope.content(), counters);
    out.add(new DatagramPacket(buf, envelope.recipient(), envelope.sender()));
  }
}
