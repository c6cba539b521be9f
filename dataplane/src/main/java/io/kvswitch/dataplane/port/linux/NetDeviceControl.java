package io.kvswitch.dataplane.port.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Asks the kernel about one network interface by name through {@code ioctl}s on a socket of the
 * interface's namespace: link state and MTU. Netlink would tell more, but these two answers need no
 * parser, and the request buffer is made once so polling the link allocates nothing.
 */
final class NetDeviceControl {

  static final int IFNAMSIZ = 16;

  /** {@code struct ifreq}: the name, then a 24-byte union (flags, mtu, ...). */
  static final long IFREQ_SIZE = 40;

  private static final long SIOCGIFFLAGS = 0x8913;
  private static final long SIOCGIFMTU = 0x8921;
  private static final int IFF_UP = 0x1;
  private static final int IFF_RUNNING = 0x40;

  private final int socketFd;
  private final MemorySegment request;

  /**
   * @param socketFd any socket in the interface's network namespace; not closed here
   */
  NetDeviceControl(int socketFd, String interfaceName, Arena arena) {
    this.socketFd = socketFd;
    this.request = ifreq(interfaceName, arena);
  }

  /** Administratively up and with carrier (for a veth: its peer is up too). */
  boolean isUp() {
    if (Libc.ioctlRaw(socketFd, SIOCGIFFLAGS, request) < 0) {
      return false; // the interface is gone or moved away: not usable
    }
    int flags = request.get(ValueLayout.JAVA_SHORT, IFNAMSIZ) & 0xffff;
    return (flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
  }

  int mtu() {
    Libc.ioctl(socketFd, SIOCGIFMTU, request, "SIOCGIFMTU");
    return request.get(ValueLayout.JAVA_INT, IFNAMSIZ);
  }

  /** A zeroed {@code struct ifreq} carrying {@code name}. */
  static MemorySegment ifreq(String name, Arena arena) {
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length == 0 || bytes.length >= IFNAMSIZ) {
      throw new IllegalArgumentException(
          "interface name must have 1 to " + (IFNAMSIZ - 1) + " characters: '" + name + "'");
    }
    MemorySegment ifreq = arena.allocate(IFREQ_SIZE, 8);
    MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, bytes.length);
    return ifreq;
  }
}
