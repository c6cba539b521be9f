package io.kvswitch.dataplane.port;

import java.lang.foreign.MemorySegment;

/**
 * A port backend: where frames enter and leave the switch (AF_PACKET on a veth, a TAP fd, a VXLAN
 * tunnel, an in-memory test port). Backends do I/O only; every forwarding decision is the engine's.
 *
 * <p>A port is driven by one forwarding thread at a time, so implementations need no locking on the
 * receive and transmit paths, and must not allocate per frame.
 */
public interface Port extends AutoCloseable {

  /** The interface or logical name, as configured. */
  String name();

  /**
   * Hands up to {@code maxFrames} waiting frames to {@code sink} and returns at once.
   *
   * @return how many frames were delivered (0 when none were waiting)
   */
  int receiveBatch(FrameSink sink, int maxFrames);

  /**
   * Copies one frame into the transmit queue. The frame goes out at the latest on the next {@link
   * #flushTransmit()}.
   *
   * @return false when the queue is full or the frame is too big for the port; the caller counts
   *     the drop
   */
  boolean transmit(MemorySegment buffer, long offset, int length);

  /**
   * How many bytes of {@link VirtioNetHeader} this port puts right in front of every frame it hands
   * to a {@link FrameSink} (the header occupies {@code [offset - n, offset)} of the sink's buffer),
   * or 0 when it carries none. A port that carries the header delivers GSO frames of up to 64 KiB
   * and frames whose L4 checksum is not finished; the header says which.
   */
  default int offloadHeaderLength() {
    return 0;
  }

  /**
   * Whether {@link #transmitOffloaded} takes frames that still need work (a checksum to finish, a
   * GSO frame to cut) and does it, so the switch hands them over as they came. True for ports that
   * carry offload headers, which pass the work on; a VXLAN tunnel port also says yes and does the
   * work itself before encapsulating. Such a port checks a GSO frame's segments against its own
   * limits, as {@link #maxTransmitLength} only applies to complete frames.
   */
  default boolean acceptsOffloadedFrames() {
    return offloadHeaderLength() > 0;
  }

  /**
   * Like {@link #transmit}, for a frame whose {@link VirtioNetHeader} sits in the {@link
   * VirtioNetHeader#LENGTH} bytes right before {@code offset}, as a port with a nonzero {@link
   * #offloadHeaderLength()} delivers it. A port that carries offload headers passes the header on
   * and the kernel or guest on the other side does the work it describes. This default, for ports
   * that carry none, sends frames that need no work and refuses the rest (the caller counts the
   * drop).
   */
  default boolean transmitOffloaded(MemorySegment buffer, long offset, int length) {
    return VirtioNetHeader.isPlain(buffer, offset - VirtioNetHeader.LENGTH)
        && transmit(buffer, offset, length);
  }

  /**
   * The longest frame this port can carry, known before any attempt to send it, or {@link
   * Integer#MAX_VALUE} when only {@link #transmit} can tell. A VXLAN port answers from the underlay
   * MTU, so the engine drops a frame that would not fit once encapsulated under a reason of its own
   * ({@code underlay_mtu_exceeded}) instead of the catch-all {@code transmit_refused}.
   */
  default int maxTransmitLength() {
    return Integer.MAX_VALUE;
  }

  /**
   * Called by the switch with a task that wakes the forwarding thread receiving from this port. A
   * port whose frames are handed over by another thread (a VXLAN port, filled by its event loop)
   * runs it after handing some over, so that an idle forwarding thread does not sleep through them;
   * ports with a {@link #pollFd()} ignore it. It may be called from any thread, costs little when
   * the forwarding thread is busy, and must not be run while holding a lock the forwarding thread
   * takes.
   */
  default void setReceiveWakeup(Runnable wakeup) {}

  /**
   * Whether every frame this port receives is announced, by one of its {@link #pollFds()} polling
   * readable or by a run of its receive wake-up ({@link #setReceiveWakeup}), so that an idle
   * forwarding thread may block until then. True by default for a port with a {@link #pollFd()}. A
   * port that answers false is polled on a timer while its thread is idle (10 µs doubling to 500
   * µs), which costs that thread some CPU and the first frame after a pause up to 0.5 ms.
   */
  default boolean announcesFrames() {
    return pollFd() >= 0;
  }

  /**
   * The descriptors that poll readable while frames wait: {@link #pollFd()} alone by default, none
   * when it is -1; a bond answers with its members' descriptors.
   */
  default int[] pollFds() {
    int fd = pollFd();
    return fd < 0 ? new int[0] : new int[] {fd};
  }

  /** Pushes queued frames to the kernel or peer; called once per batch, not per frame. */
  void flushTransmit();

  /** Whether the link is usable; a bond fails over when this turns false. */
  boolean isLinkUp();

  /** A file descriptor that polls readable when frames wait, or -1 when there is none. */
  int pollFd();

  @Override
  void close();
}
