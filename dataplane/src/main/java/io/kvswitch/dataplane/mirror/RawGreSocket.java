package io.kvswitch.dataplane.mirror;

import static io.kvswitch.dataplane.port.linux.MessageHeaders.IOVEC_SIZE;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MMSGHDR_SIZE;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_IOV;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_IOVLEN;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_NAME;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.MSG_NAMELEN;
import static io.kvswitch.dataplane.port.linux.MessageHeaders.SOCKADDR_IN_SIZE;

import io.kvswitch.dataplane.port.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;

/**
 * A raw IPv4 socket of protocol 47 (GRE) that sends to one remote address: the kernel writes the IP
 * header and routes the packet like any the node sends.
 *
 * <p>The socket is not connected, and each packet names the address ({@code sendmmsg} of one
 * message, its header built once). A connected raw socket takes the ICMP "protocol unreachable" an
 * analyser without GRE support sends back as an error that fails the next send; unconnected, such
 * errors are ignored and every copy goes out. It only sends, so its receive buffer is kept at the
 * minimum.
 */
public final class RawGreSocket implements GreSender {

  private static final int IPPROTO_GRE = 47;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVBUF = 8;

  private final int fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment message;
  private final MemorySegment iovec;
  private volatile boolean closed;

  public RawGreSocket(Inet4Address remote) {
    int socket =
        Libc.socket(
            Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, IPPROTO_GRE);
    try {
      Libc.setsockoptInt(socket, SOL_SOCKET, SO_RCVBUF, 0, "SO_RCVBUF");
    } catch (RuntimeException e) {
      Libc.close(socket);
      arena.close();
      throw e;
    }
    this.fd = socket;
    MemorySegment address = arena.allocate(SOCKADDR_IN_SIZE, 8);
    address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
    MemorySegment.copy(remote.getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
    this.iovec = arena.allocate(IOVEC_SIZE, 8);
    this.message = arena.allocate(MMSGHDR_SIZE, 8);
    message.set(ValueLayout.ADDRESS, MSG_NAME, address);
    message.set(ValueLayout.JAVA_INT, MSG_NAMELEN, (int) SOCKADDR_IN_SIZE);
    message.set(ValueLayout.ADDRESS, MSG_IOV, iovec);
    message.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1L);
  }

  @Override
  public boolean send(MemorySegment packet, int length) {
    if (closed) {
      return false;
    }
    iovec.set(ValueLayout.ADDRESS, 0, packet);
    iovec.set(ValueLayout.JAVA_LONG, 8, length);
    return Libc.sendmmsg(fd, message, 1, Libc.MSG_DONTWAIT) == 1;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Libc.close(fd);
      arena.close();
    }
  }
}
