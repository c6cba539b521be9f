package io.kvswitch.dataplane.port.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.StampedLock;

/**
 * What an idle forwarding thread blocks on: an epoll set over the descriptors of the ports it
 * receives from, plus an eventfd that other threads {@link #signal()} to wake it (ports whose
 * frames are handed over by another thread, a port added, the switch stopping).
 *
 * <p>The set is level-triggered: a descriptor that is readable when {@link #await} is called, or
 * becomes so while it waits, ends the wait, so frames that arrived between the thread's last poll
 * and its wait are never slept through. Descriptors may be added and removed from any thread while
 * another waits (the kernel allows it); the eventfd is drained by {@link #await} itself.
 *
 * <p>A socket with a pending error polls as {@code EPOLLERR} until someone reads the error, and
 * epoll reports that whatever events were asked for. A packet socket gets one ({@code ENETDOWN})
 * each time its interface is set down, and keeps it after the interface is up again; nothing on the
 * ring path reads it, so every later wait would return at once and the thread would spin for as
 * long as the port lives. {@link #await} therefore reads ({@code SO_ERROR}) and so clears the error
 * of every socket reported with one: the error itself means nothing to a forwarding thread, which
 * learns a port's link state from the port.
 *
 * <p>{@link #await} and {@link #signal} allocate nothing.
 */
public final class EpollWaiter implements AutoCloseable {

  /**
   * {@code struct epoll_event} is packed on x86-64 (4 bytes of events, then 8 of data: 12) and
   * naturally aligned elsewhere (16, data at 8).
   */
  private static final boolean PACKED_EVENT =
      switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        default -> false;
      };

  private static final long EVENT_SIZE = PACKED_EVENT ? 12 : 16;
  private static final long EVENT_DATA = PACKED_EVENT ? 4 : 8;
  private static final int MAX_EVENTS = 16;
  private static final int EPOLLERR = 0x8;
  private static final int SOL_SOCKET = 1;
  private static final int SO_ERROR = 4;

  private static final ValueLayout.OfInt UNALIGNED_INT = ValueLayout.JAVA_INT_UNALIGNED;

  private final Arena arena = Arena.ofShared();
  private final int epollFd;
  private final int eventFd;
  private final MemorySegment events;
  private final MemorySegment one;
  private final MemorySegment drain;
  private final MemorySegment socketError;
  private final MemorySegment socketErrorLength;

  /**
   * Keeps {@link #close()} from closing the eventfd under a {@link #signal()} in progress: a port's
   * wake-up may run on another thread just after the switch let go of this waiter, and a write to a
   * closed descriptor number could land in whatever file reused it.
   */
  private final StampedLock lifecycle = new StampedLock();

  private boolean closed;
  private long unwatchedOnError;

  private EpollWaiter(int epollFd, int eventFd) {
    this.epollFd = epollFd;
    this.eventFd = eventFd;
    this.events = arena.allocate(EVENT_SIZE * MAX_EVENTS, 8);
    this.one = arena.allocate(ValueLayout.JAVA_LONG);
    one.set(ValueLayout.JAVA_LONG, 0, 1L);
    this.drain = arena.allocate(ValueLayout.JAVA_LONG);
    this.socketError = arena.allocate(ValueLayout.JAVA_INT);
    this.socketErrorLength = arena.allocate(ValueLayout.JAVA_INT);
  }

  /** A new epoll set that holds only its own eventfd. */
  public static EpollWaiter open() {
    int epollFd = Libc.epollCreate(Libc.EPOLL_CLOEXEC);
    int eventFd;
    try {
      eventFd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
    } catch (LinuxCallException e) {
      Libc.close(epollFd);
      throw e;
    }
    EpollWaiter waiter = new EpollWaiter(epollFd, eventFd);
    try {
      waiter.watch(eventFd);
    } catch (LinuxCallException e) {
      waiter.close();
      throw e;
    }
    return waiter;
  }

  /**
   * Ends the waits of {@link #await} until the next one that starts after it drained this signal.
   * From any thread; several signals before a wait count as one.
   */
  public void signal() {
    long stamp = lifecycle.readLock();
    try {
      if (!closed) {
        // Fails only when the counter would overflow: 2^64 - 2 signals nobody drained.
        Libc.write(eventFd, one, Long.BYTES);
      }
    } finally {
      lifecycle.unlockRead(stamp);
    }
  }

  /** Adds {@code fd}, to end a wait while it is readable. */
  public void watch(int fd) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment event = call.allocate(EVENT_SIZE, 8);
      event.set(UNALIGNED_INT, 0, Libc.EPOLLIN);
      event.set(UNALIGNED_INT, EVENT_DATA, fd);
      int rc = Libc.epollCtl(epollFd, Libc.EPOLL_CTL_ADD, fd, event);
      if (rc < 0) {
        throw new LinuxCallException("epoll_ctl(ADD, " + fd + ")", -rc);
      }
    }
  }

  /**
   * Removes {@code fd}. A descriptor that is no longer in the set (or already closed, which removes
   * it) is not an error: removal is for ports on their way out.
   */
  public void unwatch(int fd) {
    Libc.epollCtl(epollFd, Libc.EPOLL_CTL_DEL, fd, MemorySegment.NULL);
  }

  /**
   * Blocks until a watched descriptor is readable or has a pending error (which it clears), {@link
   * #signal()} was called since the last wait, or {@code timeoutMillis} passed (-1: no timeout).
   * Returns early on a signal to the process too; callers poll their ports after every return
   * either way.
   *
   * @return whether the wait ended because of {@link #signal()}
   */
  public boolean await(int timeoutMillis) {
    int ready = Libc.epollWaitNoErrno(epollFd, events, MAX_EVENTS, timeoutMillis);
    boolean signalled = false;
    for (int i = 0; i < ready; i++) {
      long event = i * EVENT_SIZE;
      int fd = events.get(UNALIGNED_INT, event + EVENT_DATA);
      if (fd == eventFd) {
        // Non-blocking read: resets the counter, so the next wait blocks again.
        Libc.readNoErrno(eventFd, drain, Long.BYTES);
        signalled = true;
      } else if ((events.get(UNALIGNED_INT, event) & EPOLLERR) != 0) {
        // Reading SO_ERROR clears it.
        socketErrorLength.set(ValueLayout.JAVA_INT, 0, Integer.BYTES);
        if (Libc.getsockoptNoErrno(fd, SOL_SOCKET, SO_ERROR, socketError, socketErrorLength) < 0) {
          // No socket (a TAP whose device was deleted, a pipe without reader): its error cannot
          // be cleared and would end every later wait, so the thread would spin. It is watched
          // no more; its port is still polled whenever the thread is awake, until it is unplugged.
          unwatch(fd);
          unwatchedOnError++;
        }
      }
    }
    return signalled;
  }

  /** Descriptors removed by {@link #await} because they polled an error that cannot be cleared. */
  public long unwatchedOnError() {
    return unwatchedOnError;
  }

  /**
   * Closes both descriptors. Later signals do nothing; no thread may be waiting or start to wait.
   */
  @Override
  public void close() {
    long stamp = lifecycle.writeLock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      Libc.close(eventFd);
      Libc.close(epollFd);
      arena.close();
    } finally {
      lifecycle.unlockWrite(stamp);
    }
  }
}
