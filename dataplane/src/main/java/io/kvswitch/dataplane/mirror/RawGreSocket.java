package io.kvswitch.dataplane.mirror;

import io.kvswitch.dataplane.port.linux.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;

/**
 * A raw IPv4 socket of protocol 47 (GRE), connected to one remote address: the kernel writes the IP
 * header and routes the packet like any the node sends. Connecting also limits what the socket
 * would receive to GRE from that address, and its receive buffer is kept at the minimum, as it only
 * sends.
 */
public final class RawGreSocket implements GreSender {

  private static final int IPPROTO_GRE = 47;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVBUF = 8;
  private static final long SOCKADDR_IN_SIZE = 16;

  private final int fd;
  private volatile boolean closed;

  public RawGreSocket(Inet4Address remote) {
    int socket =
        Libc.socket(
            Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, IPPROTO_GRE);
    try {
      Libc.setsockoptInt(socket, SOL_SOCKET, SO_RCVBUF, 0, "SO_RCVBUF");
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment address = arena.allocate(SOCKADDR_IN_SIZE, 8);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
        MemorySegment.copy(remote.getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
        Libc.connect(socket, address);
      }
    } catch (RuntimeException e) {
      Libc.close(socket);
      throw e;
    }
    this.fd = socket;
  }

  @Override
  public boolean send(MemorySegment packet, int length) {
    return !closed && Libc.write(fd, packet, length) == length;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Libc.close(fd);
    }
  }
}
