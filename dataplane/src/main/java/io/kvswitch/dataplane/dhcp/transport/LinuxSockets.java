package io.kvswitch.dataplane.dhcp.transport;

import io.netty.channel.epoll.EpollDatagramChannel;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The Linux calls the standalone transport needs and neither the JDK nor netty offers, through the
 * Foreign Function and Memory API: entering a network namespace on one thread, binding a socket to
 * an interface, and a receive buffer beyond {@code net.core.rmem_max}.
 */
final class LinuxSockets {

  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int CLONE_NEWNET = 0x40000000;
  private static final int SOL_SOCKET = 1;
  private static final int SO_BINDTODEVICE = 25;
  private static final int SO_RCVBUFFORCE = 33;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final MethodHandle OPEN =
      downcall(
          "open",
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE =
      downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle SETNS =
      downcall(
          "setns",
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle SETSOCKOPT =
      downcall(
          "setsockopt",
          FunctionDescriptor.of(
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_INT));

  private LinuxSockets() {}

  // Native access is granted to the dataplane with --enable-native-access; these are plain libc
  // calls.
  @SuppressWarnings("restricted")
  private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        LINKER
            .defaultLookup()
            .find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
  }

  /**
   * Runs {@code body} on a new thread that has entered the named network namespace (as created by
   * {@code ip netns add}, under /run/netns). Sockets the body opens belong to that namespace for
   * their whole life, whichever thread uses them later; the thread itself ends with the body.
   */
  static <T> T callInNamespace(String namespace, Callable<T> body) throws IOException {
    FutureTask<T> task =
        new FutureTask<>(
            () -> {
              enterNamespace(namespace);
              return body.call();
            });
    Thread thread = Thread.ofPlatform().name("netns-" + namespace).unstarted(task);
    thread.start();
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while working in namespace " + namespace, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("failed in namespace " + namespace + ": " + e.getCause(), e.getCause());
    }
  }

  private static void enterNamespace(String namespace) throws IOException {
    if (!namespace.matches("[A-Za-z0-9_.-]+")) {
      throw new IOException("not a namespace name: " + namespace);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment path = arena.allocateFrom("/run/netns/" + namespace);
      int fd = (int) OPEN.invokeExact(state, path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        throw new IOException(
            "cannot open network namespace " + namespace + ": errno " + errno(state));
      }
      try {
        int rc = (int) SETNS.invokeExact(state, fd, CLONE_NEWNET);
        if (rc != 0) {
          throw new IOException(
              "cannot enter network namespace " + namespace + ": errno " + errno(state));
        }
      } finally {
        int ignored = (int) CLOSE.invokeExact(state, fd);
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("native call failed: " + t, t);
    }
  }

  /** SO_BINDTODEVICE: the socket sends and receives on this interface only. */
  static void bindToDevice(int fd, String interfaceName) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment name = arena.allocateFrom(interfaceName);
      int rc =
          (int)
              SETSOCKOPT.invokeExact(
                  state, fd, SOL_SOCKET, SO_BINDTODEVICE, name, (int) name.byteSize());
      if (rc != 0) {
        throw new IOException(
            "cannot bind socket to interface " + interfaceName + ": errno " + errno(state));
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("native call failed: " + t, t);
    }
  }

  /**
   * Sets the socket's receive buffer to {@code bytes} with {@code SO_RCVBUFFORCE}, past the
   * system's {@code net.core.rmem_max}, which a network namespace cannot raise. Without
   * CAP_NET_ADMIN that is refused, and the channel asks for the size with {@code SO_RCVBUF}, which
   * the kernel caps at {@code rmem_max}.
   */
  static void raiseReceiveBuffer(EpollDatagramChannel channel, int bytes) throws IOException {
    int rc;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_INT, bytes);
      rc =
          (int)
              SETSOCKOPT.invokeExact(
                  state,
                  channel.fd().intValue(),
                  SOL_SOCKET,
                  SO_RCVBUFFORCE,
                  value,
                  (int) value.byteSize());
    } catch (Throwable t) {
      throw new IOException("native call failed: " + t, t);
    }
    if (rc != 0) {
      channel.config().setReceiveBufferSize(bytes);
    }
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }
}
