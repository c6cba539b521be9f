package io.kvswitch.dataplane.port.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The only class that calls into the C library. Everything above it speaks Java: setup calls throw
 * {@link LinuxCallException} naming the call and errno, and the calls used on the packet path
 * (read, write, sendmmsg, poll) return {@code -errno} instead of throwing, so that an expected
 * condition such as {@code EAGAIN} costs neither an exception nor an allocation.
 *
 * <p>errno is read through {@link Linker.Option#captureCallState}: the JVM may itself make native
 * calls between ours and a later read of errno, so reading it afterwards would be unreliable. Setup
 * and control calls capture it into memory of their own, freed before they return: they run on any
 * thread, including the short-lived ones that work inside a network namespace ({@code
 * NetworkNamespace.call}), which would each leave a buffer behind. Packet-path calls capture errno
 * only after a failure, because capturing can cost an allocation per call (see {@link #sendmmsg}),
 * and then into a buffer per thread, made once and never freed: only the long-lived threads that
 * forward packets use it, and it costs them nothing per call.
 *
 * <p>Restricted FFM methods (downcalls, giving native memory a size) are used here and nowhere
 * else; the warning for them is silenced once, for this class.
 */
@SuppressWarnings("restricted")
public final class Libc {

  public static final int AF_INET = 2;
  public static final int AF_PACKET = 17;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int O_RDWR = 0x2;
  public static final int O_RDONLY = 0x0;
  public static final int O_NONBLOCK = 0x800;
  public static final int O_CLOEXEC = 0x80000;
  public static final int PROT_READ = 0x1;
  public static final int PROT_WRITE = 0x2;
  public static final int MAP_SHARED = 0x1;
  public static final int MSG_DONTWAIT = 0x40;
  public static final short POLLIN = 0x1;
  public static final short POLLERR = 0x8;
  public static final short POLLHUP = 0x10;
  public static final short POLLNVAL = 0x20;
  public static final int CLONE_NEWNET = 0x40000000;

  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int ENOENT = 2;

  public static final int EPOLL_CLOEXEC = 0x80000;
  public static final int EPOLL_CTL_ADD = 1;
  public static final int EPOLL_CTL_DEL = 2;
  public static final int EPOLLIN = 0x1;
  public static final int EFD_NONBLOCK = 0x800;
  public static final int EFD_CLOEXEC = 0x80000;

  /** {@code struct pollfd}: int fd, short events, short revents. */
  public static final long POLLFD_SIZE = 8;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final AtomicLong THREAD_CAPTURE_BUFFERS = new AtomicLong();
  private static final ThreadLocal<MemorySegment> THREAD_CAPTURE =
      // Global, so that passing it costs no liveness bookkeeping per call; a few bytes per thread
      // that ever failed a packet-path call are never freed.
      ThreadLocal.withInitial(
          () -> {
            THREAD_CAPTURE_BUFFERS.incrementAndGet();
            return Arena.global().allocate(CAPTURE_LAYOUT);
          });

  private static final MethodHandle SOCKET =
      withErrno("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle BIND =
      withErrno("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle CONNECT =
      withErrno("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SETSOCKOPT =
      withErrno(
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle GETSOCKOPT =
      withErrno(
          "getsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle MMAP =
      withErrno(
          "mmap",
          FunctionDescriptor.of(
              ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
  private static final MethodHandle MUNMAP =
      withErrno("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle POLL =
      withErrno("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle CLOSE =
      withErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle OPEN =
      withErrno("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), 2);
  // ioctl(int fd, unsigned long request, ...): the argument after the request is variadic, and
  // the x86-64 ABI passes variadic arguments differently, so the linker must be told.
  private static final MethodHandle IOCTL =
      withErrno("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
  private static final MethodHandle IF_NAMETOINDEX =
      withErrno("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle READ =
      withErrno("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle WRITE =
      withErrno("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle SENDMMSG =
      withErrno("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  // The packet path calls these first, and the capturing handles above only after a failure: see
  // sendmmsg.
  private static final MethodHandle READ_NO_ERRNO =
      withoutErrno("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle WRITE_NO_ERRNO =
      withoutErrno("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle POLL_NO_ERRNO =
      withoutErrno("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle SENDMMSG_NO_ERRNO =
      withoutErrno(
          "sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  // Every failure of a non-blocking receive (EAGAIN above all) means the same to the caller:
  // nothing to read now. errno is never needed.
  private static final MethodHandle RECVMMSG_NO_ERRNO =
      withoutErrno(
          "recvmmsg",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle EPOLL_CREATE1 =
      withErrno("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle EPOLL_CTL =
      withErrno(
          "epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle EVENTFD =
      withErrno("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  // Only idle forwarding threads block in it, and every outcome (events, timeout, EINTR) is
  // handled the same way, by polling the ports again: errno is never needed.
  private static final MethodHandle EPOLL_WAIT_NO_ERRNO =
      withoutErrno(
          "epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  // Only to clear a socket's pending error after epoll reported it; the caller needs no reason.
  private static final MethodHandle GETSOCKOPT_NO_ERRNO =
      withoutErrno(
          "getsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle SETNS =
      withErrno("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(
          LIBC.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

  private Libc() {}

  // ---- setup and control calls: throw on failure (or return -errno where said); errno is
  // captured into memory of the call's own ----

  public static int socket(int domain, int type, int protocol) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int fd;
      try {
        fd = (int) SOCKET.invokeExact(errno, domain, type, protocol);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      return check(fd, "socket", errno);
    }
  }

  public static void bind(int fd, MemorySegment address) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int rc;
      try {
        rc = (int) BIND.invokeExact(errno, fd, address, (int) address.byteSize());
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      check(rc, "bind", errno);
    }
  }

  public static void connect(int fd, MemorySegment address) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int rc;
      try {
        rc = (int) CONNECT.invokeExact(errno, fd, address, (int) address.byteSize());
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      check(rc, "connect", errno);
    }
  }

  /** Sets a socket option; {@code what} names the option in the error message. */
  public static void setsockopt(int fd, int level, int option, MemorySegment value, String what) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int rc;
      try {
        rc = (int) SETSOCKOPT.invokeExact(errno, fd, level, option, value, (int) value.byteSize());
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      check(rc, "setsockopt(" + what + ")", errno);
    }
  }

  public static void setsockoptInt(int fd, int level, int option, int value, String what) {
    try (Arena arena = Arena.ofConfined()) {
      setsockopt(fd, level, option, arena.allocateFrom(JAVA_INT, value), what);
    }
  }

  /** Reads a socket option into {@code value}; returns the length the kernel wrote. */
  public static int getsockopt(int fd, int level, int option, MemorySegment value, String what) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      MemorySegment length = call.allocateFrom(JAVA_INT, (int) value.byteSize());
      int rc;
      try {
        rc = (int) GETSOCKOPT.invokeExact(errno, fd, level, option, value, length);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      check(rc, "getsockopt(" + what + ")", errno);
      return length.get(JAVA_INT, 0);
    }
  }

  public static int getsockoptInt(int fd, int level, int option, String what) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment value = arena.allocate(JAVA_INT);
      getsockopt(fd, level, option, value, what);
      return value.get(JAVA_INT, 0);
    }
  }

  /**
   * Maps {@code length} bytes of {@code fd} shared and read-write, for as long as {@code arena} is
   * open: closing the arena unmaps them.
   */
  public static MemorySegment mmap(long length, int fd, Arena arena) {
    MemorySegment address;
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      try {
        address =
            (MemorySegment)
                MMAP.invokeExact(
                    errno, MemorySegment.NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      if (address.address() == -1L) {
        throw new LinuxCallException("mmap", errno(errno));
      }
    }
    return address.reinterpret(length, arena, Libc::munmap);
  }

  public static void munmap(MemorySegment mapping) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int rc;
      try {
        rc = (int) MUNMAP.invokeExact(errno, mapping, mapping.byteSize());
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      check(rc, "munmap", errno);
    }
  }

  public static void close(int fd) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int rc;
      try {
        rc = (int) CLOSE.invokeExact(errno, fd);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      // After EINTR the descriptor is already released on Linux; retrying could close another.
      if (rc < 0 && errno(errno) != EINTR) {
        throw new LinuxCallException("close", errno(errno));
      }
    }
  }

  public static int open(String path, int flags) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int fd;
      try {
        fd = (int) OPEN.invokeExact(errno, call.allocateFrom(path), flags);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      return check(fd, "open(" + path + ")", errno);
    }
  }

  /** {@code ioctl(fd, request, argument)}; {@code what} names the request in the error. */
  public static int ioctl(int fd, long request, MemorySegment argument, String what) {
    int rc = ioctlRaw(fd, request, argument);
    if (rc < 0) {
      throw new LinuxCallException("ioctl(" + what + ")", -rc);
    }
    return rc;
  }

  /** {@code epoll_create1}: a new epoll instance. */
  public static int epollCreate(int flags) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int fd;
      try {
        fd = (int) EPOLL_CREATE1.invokeExact(errno, flags);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      return check(fd, "epoll_create1", errno);
    }
  }

  /**
   * {@code epoll_ctl}; {@code event} is a {@code struct epoll_event} or NULL for {@link
   * #EPOLL_CTL_DEL}. Returns 0 or {@code -errno}: whether a failure matters (an fd already gone) is
   * the caller's call.
   */
  public static int epollCtl(int epollFd, int operation, int fd, MemorySegment event) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int rc;
      try {
        rc = (int) EPOLL_CTL.invokeExact(errno, epollFd, operation, fd, event);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      return rc < 0 ? -errno(errno) : rc;
    }
  }

  /** {@code eventfd}: a counter that polls readable while it is not zero. */
  public static int eventfd(int initialValue, int flags) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int fd;
      try {
        fd = (int) EVENTFD.invokeExact(errno, initialValue, flags);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      return check(fd, "eventfd", errno);
    }
  }

  /** {@code ioctl}; returns the result or {@code -errno}. */
  public static int ioctlRaw(int fd, long request, MemorySegment argument) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int rc;
      try {
        rc = (int) IOCTL.invokeExact(errno, fd, request, argument);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      return rc < 0 ? -errno(errno) : rc;
    }
  }

  public static int ifNameToIndex(String name) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int index;
      try {
        index = (int) IF_NAMETOINDEX.invokeExact(errno, call.allocateFrom(name));
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      if (index == 0) {
        throw new LinuxCallException("if_nametoindex(" + name + ")", errno(errno));
      }
      return index;
    }
  }

  /** Moves the calling thread into the namespace that {@code fd} refers to. */
  public static void setns(int fd, int type) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      int rc;
      try {
        rc = (int) SETNS.invokeExact(errno, fd, type);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      check(rc, "setns", errno);
    }
  }

  /**
   * Reads into {@code buffer} from a control socket (netlink); returns bytes read or {@code
   * -errno}. The packet path reads with {@link #readNoErrno}.
   */
  public static long read(int fd, MemorySegment buffer, long count) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      long n;
      try {
        n = (long) READ.invokeExact(errno, fd, buffer, count);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      return n < 0 ? -errno(errno) : n;
    }
  }

  /**
   * Writes from {@code buffer} to a control socket (netlink); returns bytes written or {@code
   * -errno}. The packet path writes with {@link #write}.
   */
  public static long writeControl(int fd, MemorySegment buffer, long count) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errno = errnoBuffer(call);
      long n;
      try {
        n = (long) WRITE.invokeExact(errno, fd, buffer, count);
      } catch (Throwable t) {
        throw new AssertionError(t);
      }
      return n < 0 ? -errno(errno) : n;
    }
  }

  // ---- packet path calls: return -errno, never throw, never allocate ----

  /**
   * Writes from {@code buffer}; returns bytes written or {@code -errno}. After a failure (which
   * wrote nothing) the write is tried once more with errno captured (see {@link #sendmmsg}).
   */
  public static long write(int fd, MemorySegment buffer, long count) {
    long n;
    try {
      n = (long) WRITE_NO_ERRNO.invokeExact(fd, buffer, count);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    return n >= 0 ? n : writeCapturingErrno(fd, buffer, count);
  }

  /**
   * Sends up to {@code count} {@code mmsghdr}s; returns how many went, or {@code -errno} when the
   * first one failed.
   *
   * <p>errno is captured only after a failure, by a second call in a method of its own. Capturing
   * makes the JDK slice the capture buffer on every call, and the JIT removes that slice only where
   * it inlines the capturing call as hot; a capturing call on a rarely taken branch of a hot method
   * stays a 40-byte allocation per call. In a method of its own, compiled on its own, it is hot.
   * After a failure (which sent nothing) the first message is tried once more.
   */
  public static int sendmmsg(int fd, MemorySegment messages, int count, int flags) {
    int n;
    try {
      n = (int) SENDMMSG_NO_ERRNO.invokeExact(fd, messages, count, flags);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    return n >= 0 ? n : sendmmsgCapturingErrno(fd, messages, flags);
  }

  /**
   * Receives up to {@code count} {@code mmsghdr}s without a timeout; returns how many came, or -1
   * when none did. With {@link #MSG_DONTWAIT} the usual reason is {@code EAGAIN} (nothing waiting);
   * callers treat every failure as that and try again on their next poll, so errno is not read.
   */
  public static int recvmmsgNoErrno(int fd, MemorySegment messages, int count, int flags) {
    try {
      return (int) RECVMMSG_NO_ERRNO.invokeExact(fd, messages, count, flags, MemorySegment.NULL);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  private static long writeCapturingErrno(int fd, MemorySegment buffer, long count) {
    MemorySegment capture = threadCapture();
    long n;
    try {
      n = (long) WRITE.invokeExact(capture, fd, buffer, count);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    return n < 0 ? -(int) ERRNO.get(capture, 0L) : n;
  }

  private static int sendmmsgCapturingErrno(int fd, MemorySegment messages, int flags) {
    MemorySegment capture = threadCapture();
    int n;
    try {
      n = (int) SENDMMSG.invokeExact(capture, fd, messages, 1, flags);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    return n < 0 ? -(int) ERRNO.get(capture, 0L) : n;
  }

  /**
   * Polls {@code count} {@code struct pollfd}s; returns how many are ready or {@code -errno}. After
   * a failure the poll is repeated once with errno captured (see {@link #sendmmsg}).
   */
  public static int poll(MemorySegment pollfds, int count, int timeoutMillis) {
    int n = pollNoErrno(pollfds, count, timeoutMillis);
    return n >= 0 ? n : pollCapturingErrno(pollfds, count, timeoutMillis);
  }

  /** Polls; returns how many are ready, or -1 on failure without saying why. */
  public static int pollNoErrno(MemorySegment pollfds, int count, int timeoutMillis) {
    try {
      return (int) POLL_NO_ERRNO.invokeExact(pollfds, (long) count, timeoutMillis);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /**
   * Reads into {@code buffer}; returns bytes read, or -1 on failure without saying why: for callers
   * to whom failure is routine (nothing waiting on a non-blocking descriptor) and who can tell the
   * rare real error another way.
   */
  public static long readNoErrno(int fd, MemorySegment buffer, long count) {
    try {
      return (long) READ_NO_ERRNO.invokeExact(fd, buffer, count);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /**
   * Waits up to {@code timeoutMillis} (-1: for ever) for events of the epoll instance; returns how
   * many were written to {@code events}, 0 on timeout, or -1 on failure (an interrupting signal)
   * without saying why.
   */
  public static int epollWaitNoErrno(
      int epollFd, MemorySegment events, int maxEvents, int timeoutMillis) {
    try {
      return (int) EPOLL_WAIT_NO_ERRNO.invokeExact(epollFd, events, maxEvents, timeoutMillis);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  /**
   * Reads a socket option into {@code value}, {@code length} holding its size in and the written
   * size out; returns 0, or -1 on failure without saying why. Allocates nothing.
   */
  public static int getsockoptNoErrno(
      int fd, int level, int option, MemorySegment value, MemorySegment length) {
    try {
      return (int) GETSOCKOPT_NO_ERRNO.invokeExact(fd, level, option, value, length);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }

  private static int pollCapturingErrno(MemorySegment pollfds, int count, int timeoutMillis) {
    MemorySegment capture = threadCapture();
    int n;
    try {
      n = (int) POLL.invokeExact(capture, pollfds, (long) count, timeoutMillis);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    return n < 0 ? -(int) ERRNO.get(capture, 0L) : n;
  }

  /** The C library's text for an errno value, e.g. "No such device". */
  public static String strerror(int errno) {
    MemorySegment text;
    try {
      text = (MemorySegment) STRERROR.invokeExact(errno);
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
    return text.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
  }

  private static int check(int rc, String call, MemorySegment errno) {
    if (rc < 0) {
      throw new LinuxCallException(call, errno(errno));
    }
    return rc;
  }

  private static MemorySegment errnoBuffer(Arena call) {
    return call.allocate(CAPTURE_LAYOUT);
  }

  private static int errno(MemorySegment captured) {
    return (int) ERRNO.get(captured, 0L);
  }

  /** The packet path's errno buffer of the calling thread. */
  private static MemorySegment threadCapture() {
    return THREAD_CAPTURE.get();
  }

  /**
   * How many per-thread errno buffers have been made since the JVM started: one per thread that
   * failed a packet-path call, never one for a setup or control call.
   */
  static long threadCaptureBuffers() {
    return THREAD_CAPTURE_BUFFERS.get();
  }

  private static MethodHandle withoutErrno(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in libc")),
        descriptor);
  }

  private static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in libc")),
        descriptor,
        Linker.Option.captureCallState("errno"));
  }

  private static MethodHandle withErrno(
      String name, FunctionDescriptor descriptor, int firstVariadicArg) {
    return LINKER.downcallHandle(
        LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in libc")),
        descriptor,
        Linker.Option.captureCallState("errno"),
        Linker.Option.firstVariadicArg(firstVariadicArg));
  }
}
