package io.kvswitch.dataplane.port.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Creates TAP devices that outlive the descriptor that made them ({@code TUNSETPERSIST}): a VM's
 * interface made by the CNI handler stays when the agent that serves it restarts, and the next
 * agent attaches to it again with {@link TapPort#open}. A persistent device goes when it is deleted
 * (rtnetlink {@code RTM_DELLINK}) or its network namespace is destroyed.
 */
public final class PersistentTap {

  private static final String CLONE_DEVICE = "/dev/net/tun";
  private static final long TUNSETIFF = 0x400454caL;
  private static final long TUNSETPERSIST = 0x400454cbL;
  private static final short IFF_TAP = 0x0002;
  private static final short IFF_NO_PI = 0x1000;
  private static final short IFF_VNET_HDR = 0x4000;

  /** Refuse a name that exists (EBUSY) instead of attaching to it. */
  private static final short IFF_TUN_EXCL = (short) 0x8000;

  /** {@code EBUSY}: TUNSETIFF with IFF_TUN_EXCL found the name taken. */
  public static final int NAME_TAKEN = 16;

  private PersistentTap() {}

  /**
   * Creates the persistent TAP device {@code name} in the calling thread's network namespace, down.
   * A name that is taken, by a device of any kind, is refused with {@link
   * LinuxCallException#errno()} {@link #NAME_TAKEN}, and that device is left alone.
   */
  public static void create(String name) {
    int fd = Libc.open(CLONE_DEVICE, Libc.O_RDWR | Libc.O_CLOEXEC);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment request = NetDeviceControl.ifreq(name, arena);
      short flags = (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL);
      request.set(ValueLayout.JAVA_SHORT, NetDeviceControl.IFNAMSIZ, flags);
      Libc.ioctl(fd, TUNSETIFF, request, "TUNSETIFF " + name);
      // The flag is the argument itself, not a pointer to it.
      Libc.ioctl(fd, TUNSETPERSIST, MemorySegment.ofAddress(1), "TUNSETPERSIST " + name);
    } finally {
      // With TUNSETPERSIST done the device stays; without it, this removes it.
      Libc.close(fd);
    }
  }
}
