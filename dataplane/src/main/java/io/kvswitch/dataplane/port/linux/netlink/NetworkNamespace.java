package io.kvswitch.dataplane.port.linux.netlink;

import io.kvswitch.dataplane.port.linux.Libc;
import io.kvswitch.dataplane.port.linux.LinuxCallException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * An open network namespace file ({@code /proc/PID/ns/net}, {@code /var/run/netns/NAME}): its
 * descriptor can name the namespace in a request ({@code IFLA_NET_NS_FD}), and {@link #call} runs
 * code inside it.
 *
 * <p>Entering a namespace ({@code setns}) changes the calling thread only, and a thread's namespace
 * decides where the sockets and devices it creates live for their whole life. So {@link #call}
 * enters it on a platform thread of its own that ends with the call: no pooled or shared thread
 * ever runs in the wrong namespace, and what the call opens stays bound to this namespace whichever
 * thread uses it afterwards.
 */
public final class NetworkNamespace implements AutoCloseable {

  /** {@code NS_GET_NSTYPE}, {@code _IO(0xb7, 0x3)}: which kind of namespace a file is. */
  private static final long NS_GET_NSTYPE = 0xb703L;

  private final String path;
  private final int fd;
  private boolean closed;

  private NetworkNamespace(String path, int fd) {
    this.path = path;
    this.fd = fd;
  }

  /**
   * Opens the namespace at {@code path}.
   *
   * @throws NetlinkException when the path does not exist ({@code ENOENT}) or is not a network
   *     namespace
   */
  public static NetworkNamespace open(String path) {
    int fd;
    try {
      fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
    } catch (LinuxCallException e) {
      throw new NetlinkException(
          "cannot open network namespace " + path + ": " + describe(e.errno()), e.errno(), e);
    }
    try {
      int type = Libc.ioctlRaw(fd, NS_GET_NSTYPE, MemorySegment.NULL);
      if (type != Libc.CLONE_NEWNET) {
        throw new NetlinkException(
            path
                + " is not a network namespace"
                + (type < 0 ? " (" + Errno.name(-type) + ")" : " (another kind of namespace)"),
            Errno.EINVAL);
      }
      return new NetworkNamespace(path, fd);
    } catch (RuntimeException e) {
      Libc.close(fd);
      throw e;
    }
  }

  public String path() {
    return path;
  }

  /** The open descriptor, valid until {@link #close}. */
  public int fd() {
    if (closed) {
      throw new IllegalStateException("network namespace " + path + " is closed");
    }
    return fd;
  }

  /**
   * Runs {@code body} on a new platform thread that has entered this namespace, waits for it and
   * returns its result; its exception is rethrown as it was when unchecked.
   */
  public <T> T call(Callable<T> body) {
    int namespaceFd = fd();
    FutureTask<T> task =
        new FutureTask<>(
            () -> {
              try {
                Libc.setns(namespaceFd, Libc.CLONE_NEWNET);
              } catch (LinuxCallException e) {
                throw new NetlinkException(
                    "cannot enter network namespace " + path + ": " + describe(e.errno()),
                    e.errno(),
                    e);
              }
              return body.call();
            });
    Thread.ofPlatform().name("netns " + path).daemon(true).start(task);
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NetlinkException("interrupted while working in " + path, 0, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException unchecked) {
        throw unchecked;
      }
      throw new NetlinkException("failed in network namespace " + path + ": " + e.getCause(), 0, e);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Libc.close(fd);
    }
  }

  static String describe(int errno) {
    return Libc.strerror(errno) + " (" + Errno.name(errno) + ")";
  }
}
