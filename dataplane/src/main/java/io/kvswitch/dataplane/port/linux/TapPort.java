package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.VirtioNetHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A port on a TAP device that this port creates: the switch reads what the kernel (or the VM behind
 * it) sends through the device and writes what it should receive. The device lives as long as the
 * port: closing the file descriptor removes it.
 *
 * <p>With offloads ({@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD}) every read and write carries a
 * {@link VirtioNetHeader}, and the kernel hands over 64 KiB GSO frames with checksums left to
 * finish, exactly as {@link AfPacketPort} with {@code PACKET_VNET_HDR} does, so frames pass between
 * the two untouched.
 *
 * <p>A TAP file descriptor reads and writes one frame per call; there is no batched call for it, so
 * {@link #transmit} writes at once and {@link #flushTransmit} has nothing to do.
 */
public final class TapPort implements Port {

  private static final String CLONE_DEVICE = "/dev/net/tun";
  private static final long TUNSETIFF = 0x400454caL;
  private static final long TUNSETOFFLOAD = 0x400454d0L;
  private static final long TUNSETVNETHDRSZ = 0x400454d8L;
  private static final short IFF_TAP = 0x0002;
  private static final short IFF_NO_PI = 0x1000;
  private static final short IFF_VNET_HDR = 0x4000;
  private static final int TUN_F_CSUM = 0x01;
  private static final int TUN_F_TSO4 = 0x02;
  private static final int TUN_F_TSO6 = 0x04;
  private static final int TUN_F_TSO_ECN = 0x08;
  private static final int ETH_HEADER = 14;

  /** A GSO frame is at most 64 KiB; room for one more tag and the header to spare. */
  private static final int BUFFER_BYTES = 65536 + 64;

  private final String name;
  private final int fd;
  private final int controlFd;
  private final int headerLength;
  private final Arena arena;
  private final MemorySegment rxBuffer;
  private final MemorySegment txBuffer;
  private final MemorySegment pollFd;
  private final NetDeviceControl device;
  private final PortCounters counters = new PortCounters();
  private boolean closed;

  private TapPort(String name, int fd, int controlFd, int headerLength, Arena arena) {
    this.name = name;
    this.fd = fd;
    this.controlFd = controlFd;
    this.headerLength = headerLength;
    this.arena = arena;
    this.rxBuffer = arena.allocate(BUFFER_BYTES, 64);
    this.txBuffer = arena.allocate(BUFFER_BYTES, 64);
    this.pollFd = arena.allocate(Libc.POLLFD_SIZE, 8);
    pollFd.set(ValueLayout.JAVA_INT, 0, fd);
    pollFd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
    this.device = new NetDeviceControl(controlFd, name, arena);
  }

  /**
   * Creates TAP device {@code name} in the calling thread's network namespace, or attaches to it
   * when it exists and is persistent. The device starts down; bring it up (and give it an address,
   * or hand it to a VM) outside.
   *
   * @param offloads carry a {@link VirtioNetHeader} with every frame and let the kernel pass GSO
   *     frames; see dataplane/PORTS.md
   */
  public static TapPort open(String name, boolean offloads) {
    int fd = Libc.open(CLONE_DEVICE, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
    int controlFd = -1;
    Arena arena = Arena.ofShared();
    try {
      MemorySegment request = NetDeviceControl.ifreq(name, arena);
      short flags = (short) (IFF_TAP | IFF_NO_PI | (offloads ? IFF_VNET_HDR : 0));
      request.set(ValueLayout.JAVA_SHORT, NetDeviceControl.IFNAMSIZ, flags);
      Libc.ioctl(fd, TUNSETIFF, request, "TUNSETIFF " + name);
      String actualName = request.getString(0, StandardCharsets.US_ASCII);
      if (offloads) {
        MemorySegment size = arena.allocateFrom(ValueLayout.JAVA_INT, VirtioNetHeader.LENGTH);
        Libc.ioctl(fd, TUNSETVNETHDRSZ, size, "TUNSETVNETHDRSZ");
        // TUNSETOFFLOAD takes its flags as the argument itself, not through a pointer.
        long features = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
        Libc.ioctl(fd, TUNSETOFFLOAD, MemorySegment.ofAddress(features), "TUNSETOFFLOAD");
      }
      controlFd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
      return new TapPort(actualName, fd, controlFd, offloads ? VirtioNetHeader.LENGTH : 0, arena);
    } catch (RuntimeException e) {
      arena.close();
      if (controlFd >= 0) {
        Libc.close(controlFd);
      }
      Libc.close(fd);
      throw e;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int receiveBatch(FrameSink sink, int maxFrames) {
    int delivered = 0;
    for (int i = 0; i < maxFrames; i++) {
      // Every batch ends with a read that finds nothing, so that read must cost no errno capture
      // (see Libc.sendmmsg); a poll tells the rare real error (the device is gone) from "empty".
      long n = Libc.readNoErrno(fd, rxBuffer, BUFFER_BYTES);
      if (n < 0) {
        if (Libc.pollNoErrno(pollFd, 1, 0) > 0
            && (pollFd.get(ValueLayout.JAVA_SHORT, 6)
                    & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL))
                != 0) {
          counters.rxErrors++;
        }
        break;
      }
      int length = (int) n - headerLength;
      if (length < ETH_HEADER) {
        counters.rxMalformed++;
        continue;
      }
      counters.rxFrames++;
      counters.rxBytes += length;
      delivered++;
      sink.accept(rxBuffer, headerLength, length);
    }
    return delivered;
  }

  @Override
  public boolean transmit(MemorySegment buffer, long offset, int length) {
    if (length < ETH_HEADER || length > BUFFER_BYTES - headerLength) {
      return false;
    }
    if (headerLength > 0) {
      VirtioNetHeader.writePlain(txBuffer, 0);
    }
    MemorySegment.copy(buffer, offset, txBuffer, headerLength, length);
    return write(length);
  }

  @Override
  public int offloadHeaderLength() {
    return headerLength;
  }

  @Override
  public boolean transmitOffloaded(MemorySegment buffer, long offset, int length) {
    if (headerLength == 0) {
      return Port.super.transmitOffloaded(buffer, offset, length);
    }
    if (length < ETH_HEADER || length > BUFFER_BYTES - headerLength) {
      return false;
    }
    MemorySegment.copy(buffer, offset - headerLength, txBuffer, 0, headerLength + length);
    return write(length);
  }

  private boolean write(int length) {
    long n = Libc.write(fd, txBuffer, headerLength + length);
    if (n >= 0) {
      counters.txFrames++;
      counters.txBytes += length;
      return true;
    }
    if (n == -Libc.EAGAIN) {
      counters.txDropped++;
    } else {
      // EINVAL for an offload header the kernel cannot follow, EIO while the device is down.
      counters.txErrors++;
      counters.lastTxErrno = (int) -n;
    }
    return false;
  }

  @Override
  public void flushTransmit() {
    // Every frame was written by transmit.
  }

  @Override
  public boolean isLinkUp() {
    return device.isUp();
  }

  @Override
  public int pollFd() {
    return fd;
  }

  /** This port's own counters. */
  public PortCounters counters() {
    return counters;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      arena.close();
    } finally {
      try {
        Libc.close(controlFd);
      } finally {
        Libc.close(fd);
      }
    }
  }
}
