package io.kvswitch.dataplane.port.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
}
