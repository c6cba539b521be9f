package io.kvswitch.dataplane.dhcp.codec;

import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Decodes UDP datagrams into {@link DhcpMessage}s that remember who sent them and where to; see
 * {@link DhcpMessageDecoder} for the error contract.
 */
@ChannelHandler.Sharable
public final class DatagramDhcpMessageDecoder extends MessageToMessageDecoder<DatagramPacket> {

  private final DhcpCodecCounters counters;

  public DatagramDhcpMessageDecoder(DhcpCodecCounters counters) {
    super(DatagramPacket.class);
    this.counters = counters;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
    DhcpMessage message = DhcpMessageDecoder.decodeCounted(packet.content(), counters);
    AddressedEnvelope<DhcpMessage, InetSocketAddress> envelope =
        new DefaultAddressedEnvelope<>(message, packet.recipient(), packet.sender());
    out.add(envelope);
  }
}
