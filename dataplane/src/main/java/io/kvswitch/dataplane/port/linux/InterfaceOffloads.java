package io.kvswitch.dataplane.port.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Switches off the transmit offloads of an interface, as {@code ethtool -K <if> tx off tso off gso
 * off} does, through the {@code SIOCETHTOOL} ioctl.
 *
 * <p>Needed only where frames pass through a port without offload headers (see dataplane/PORTS.md):
 * then the interface that produces them, usually the workload's end of a veth, must hand over
 * complete frames with finished checksums, never GSO frames.
 *
 * <p>The legacy commands used here cover TSO for IPv4 and IPv6 (with ECN and mangled IDs). A kernel
 * may list newer segmentation features they do not reach (6.18 keeps {@code
 * tx-tcp-accecn-segmentation} on); those apply only to connections that negotiated them, which
 * Linux does not do by default.
 */
public final class InterfaceOffloads {

  private static final long SIOCETHTOOL = 0x8946;
  private static final int ETHTOOL_STXCSUM = 0x17;
  private static final int ETHTOOL_STSO = 0x1f;
  private static final int ETHTOOL_SGSO = 0x24;

  /** Where {@code struct ifreq} keeps its data pointer, after the name. */
  private static final long IFR_DATA = NetDeviceControl.IFNAMSIZ;

  private InterfaceOffloads() {}

  /**
   * Turns off transmit checksumming, TCP segmentation and generic segmentation offload on {@code
   * interfaceName} in the calling thread's network namespace.
   */
  public static void disable(String interfaceName) {
    int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment request = NetDeviceControl.ifreq(interfaceName, arena);
      // struct ethtool_value { __u32 cmd; __u32 data; }
      MemorySegment value = arena.allocate(8, 4);
      request.set(ValueLayout.ADDRESS, IFR_DATA, value);
      set(fd, request, value, ETHTOOL_STXCSUM, "ETHTOOL_STXCSUM");
      set(fd, request, value, ETHTOOL_STSO, "ETHTOOL_STSO");
      set(fd, request, value, ETHTOOL_SGSO, "ETHTOOL_SGSO");
    } finally {
      Libc.close(fd);
    }
  }

  private static void set(
      int fd, MemorySegment request, MemorySegment value, int command, String name) {
    value.set(ValueLayout.JAVA_INT, 0, command);
    value.set(ValueLayout.JAVA_INT, 4, 0);
    Libc.ioctl(fd, SIOCETHTOOL, request, "SIOCETHTOOL " + name);
  }
}
