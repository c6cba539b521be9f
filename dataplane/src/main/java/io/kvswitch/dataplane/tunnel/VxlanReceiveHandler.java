package io.kvswitch.dataplane.tunnel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The tunnel socket's only handler: hands every datagram to the {@link VxlanDecapsulator} and
 * releases it. The frame has been copied into a ring slot by then, so netty's buffer goes back to
 * its pool at once.
 */
final class VxlanReceiveHandler extends ChannelInboundHandlerAdapter {

  private final VxlanDecapsulator decapsulator;
  private final int maxDatagram;

  /**
   * @param maxDatagram the longest payload accepted; the receive buffer is one byte longer, so a
   *     datagram the kernel had to cut short shows up as longer than this, never as a shorter frame
   */
  VxlanReceiveHandler(VxlanDecapsulator decapsulator, int maxDatagram) {
    this.decapsulator = decapsulator;
    this.maxDatagram = maxDatagram;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof DatagramPacket packet) {
        InetAddress sender = packet.sender().getAddress();
        // Inet4Address.hashCode() is the address as an int: no byte[] copy per datagram.
        int source = sender instanceof Inet4Address ? sender.hashCode() : 0;
        if (packet.content().readableBytes() > maxDatagram) {
          decapsulator.countOversize();
        } else {
          decapsulator.decapsulate(source, packet.content());
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    decapsulator.wakeReceivers();
    ctx.fireChannelReadComplete();
  }
}
