package io.kvswitch.dataplane.port.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvswitch.dataplane.port.linux.netlink.RouteNetlink;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LibcTest {

  @Test
  void aFailedCallNamesTheCallAndTheErrno() {
    assertThatThrownBy(() -> Libc.ifNameToIndex("kvt-nosuchif0"))
        .isInstanceOf(LinuxCallException.class)
        .hasMessage("if_nametoindex(kvt-nosuchif0) failed: No such device (errno 19)")
        .satisfies(e -> assertThat(((LinuxCallException) e).errno()).isEqualTo(19));
  }

  @Test
  void packetPathCallsReturnMinusErrnoInsteadOfThrowing() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(16);
      assertThat(Libc.read(-1, buffer, 16)).isEqualTo(-9); // EBADF
      assertThat(Libc.write(-1, buffer, 16)).isEqualTo(-9);
    }
  }

  @Test
  void readsFromAnOpenedFile() {
    int fd = Libc.open("/dev/zero", Libc.O_RDONLY | Libc.O_CLOEXEC);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(8);
      buffer.set(ValueLayout.JAVA_LONG, 0, -1L);
      assertThat(Libc.read(fd, buffer, 8)).isEqualTo(8);
      assertThat(buffer.get(ValueLayout.JAVA_LONG, 0)).isZero();
    } finally {
      Libc.close(fd);
    }
  }

  @Test
  void pollReportsAReadableDescriptor() {
    int fd = Libc.open("/dev/zero", Libc.O_RDONLY | Libc.O_CLOEXEC);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment pollfd = arena.allocate(Libc.POLLFD_SIZE, 8);
      pollfd.set(ValueLayout.JAVA_INT, 0, fd);
      pollfd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
      assertThat(Libc.poll(pollfd, 1, 1000)).isEqualTo(1);
      assertThat(pollfd.get(ValueLayout.JAVA_SHORT, 6) & Libc.POLLIN).isEqualTo(Libc.POLLIN);
    } finally {
      Libc.close(fd);
    }
  }

  /**
   * The netlink code runs each call in a namespace on a thread of its own that ends with the call;
   * a per-thread errno buffer made there would never be freed, so every CNI call would leak one.
   */
  @Test
  void setupAndControlCallsOnShortLivedThreadsMakeNoPerThreadBuffer() throws Exception {
    long before = Libc.threadCaptureBuffers();
    List<Integer> errnos = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      errnos.addAll(onThreadOfItsOwn(LibcTest::setupAndControlCalls));
    }
    assertThat(Libc.threadCaptureBuffers()).isEqualTo(before);
    // errno still reaches the caller: ENODEV, EBADF from close, ioctl, read and write.
    assertThat(errnos).hasSize(50 * 5).containsOnly(19, 9);
    assertThat(errnos.subList(0, 5)).containsExactly(19, 9, 9, 9, 9);
  }

  @Test
  void aThreadThatFailsPacketPathCallsMakesOneBufferWhateverTheCount() throws Exception {
    long before = Libc.threadCaptureBuffers();
    List<Integer> errnos =
        onThreadOfItsOwn(
            () -> {
              List<Integer> seen = new ArrayList<>();
              try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(16);
                for (int i = 0; i < 1000; i++) {
                  seen.add((int) -Libc.write(-1, buffer, 16));
                }
              }
              return seen;
            });
    assertThat(Libc.threadCaptureBuffers()).isEqualTo(before + 1);
    assertThat(errnos).hasSize(1000).containsOnly(9);
  }

  private static List<Integer> setupAndControlCalls() {
    List<Integer> errnos = new ArrayList<>();
    int socket = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    Libc.setsockoptInt(socket, 1, 8, 65536, "SO_RCVBUF"); // SOL_SOCKET, SO_RCVBUF
    assertThat(Libc.getsockoptInt(socket, 1, 8, "SO_RCVBUF")).isPositive();
    Libc.close(socket);
    int namespace = Libc.open("/proc/self/ns/net", Libc.O_RDONLY | Libc.O_CLOEXEC);
    Libc.close(namespace);
    try (RouteNetlink netlink = RouteNetlink.open()) {
      assertThat(netlink.link("lo")).isPresent();
    }
    try {
      Libc.ifNameToIndex("kvt-nosuchif0");
    } catch (LinuxCallException e) {
      errnos.add(e.errno());
    }
    try {
      Libc.close(-1);
    } catch (LinuxCallException e) {
      errnos.add(e.errno());
    }
    errnos.add(-Libc.ioctlRaw(-1, 0x8913, MemorySegment.NULL)); // SIOCGIFFLAGS
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(16);
      errnos.add((int) -Libc.read(-1, buffer, 16));
      errnos.add((int) -Libc.writeControl(-1, buffer, 16));
    }
    return errnos;
  }

  private interface Body {
    List<Integer> run();
  }

  private static List<Integer> onThreadOfItsOwn(Body body) throws InterruptedException {
    AtomicReference<List<Integer>> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    result.set(body.run());
                  } catch (Throwable t) {
                    failure.set(t);
                  }
                });
    thread.join();
    if (failure.get() != null) {
      throw new AssertionError("the thread failed", failure.get());
    }
    return result.get();
  }
}
