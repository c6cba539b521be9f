package io.kvswitch.dataplane.port.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What an idle forwarding thread blocks on: its ports' descriptors and a signal. */
@Timeout(value = 30, unit = TimeUnit.SECONDS) // a broken wake-up hangs instead of failing
class EpollWaiterTest {

  private static final int O_WRONLY = 0x1;

  @Test
  void aSignalFromAnotherThreadEndsAWaitAndIsConsumedByIt() throws Exception {
    try (EpollWaiter waiter = EpollWaiter.open()) {
      CompletableFuture<Boolean> wait = CompletableFuture.supplyAsync(() -> waiter.await(-1));
      waiter.signal();
      assertThat(wait.get()).as("ended by the signal").isTrue();
      assertThat(waiter.await(0)).as("the signal was drained by the wait it ended").isFalse();
    }
  }

  @Test
  void signalsBeforeAWaitCountAsOne() {
    try (EpollWaiter waiter = EpollWaiter.open()) {
      waiter.signal();
      waiter.signal();
      assertThat(waiter.await(-1)).isTrue();
      assertThat(waiter.await(0)).isFalse();
    }
  }

  @Test
  void aReadableDescriptorEndsAWaitUntilItIsRemoved() {
    // An eventfd with a count polls readable: a stand-in for a socket with frames waiting.
    int readable = Libc.eventfd(1, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
    try (EpollWaiter waiter = EpollWaiter.open()) {
      waiter.watch(readable);
      assertThat(waiter.await(-1)).as("ended by the descriptor, not a signal").isFalse();
      assertThat(waiter.await(-1)).as("level-triggered: still readable, so again").isFalse();
      waiter.unwatch(readable);
      waiter.unwatch(readable); // removing twice is no error: ports go only once, but safely
      waiter.signal();
      assertThat(waiter.await(-1)).as("only the signal is left to end it").isTrue();
    } finally {
      Libc.close(readable);
    }
  }

  /**
   * A socket's pending error polls as an error until it is read; the wait it ends reads it, so it
   * does not end every later wait too. A UDP socket connected to a port nobody listens on gets one
   * (ECONNREFUSED, from the ICMP port unreachable) without root.
   */
  @Test
  void aSocketErrorEndsOneWaitAndIsClearedByIt() throws Exception {
    int closedPort;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    int socket = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    try (Arena arena = Arena.ofConfined();
        EpollWaiter waiter = EpollWaiter.open()) {
      MemorySegment address = arena.allocate(16);
      address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
      address.set(ValueLayout.JAVA_BYTE, 2, (byte) (closedPort >> 8));
      address.set(ValueLayout.JAVA_BYTE, 3, (byte) closedPort);
      address.set(ValueLayout.JAVA_INT, 4, 0x0100_007f); // 127.0.0.1 in network order
      Libc.connect(socket, address);
      waiter.watch(socket);
      MemorySegment pollfd = arena.allocate(Libc.POLLFD_SIZE, 4);
      pollfd.set(ValueLayout.JAVA_INT, 0, socket);

      Libc.write(socket, arena.allocate(8), 8);
      // The refusal comes back as an error on the socket: wait for the kernel to post it.
      while ((pollOnce(pollfd) & Libc.POLLERR) == 0) {
        Thread.onSpinWait();
      }

      assertThat(waiter.await(-1)).as("ended by the socket, not a signal").isFalse();
      assertThat(pollOnce(pollfd) & Libc.POLLERR).as("the error was read and is gone").isZero();
    } finally {
      Libc.close(socket);
    }
  }

  private static int pollOnce(MemorySegment pollfd) {
    pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
    assertThat(Libc.poll(pollfd, 1, 0)).isNotNegative();
    return pollfd.get(ValueLayout.JAVA_SHORT, 6);
  }

  @Test
  void aDescriptorWhoseErrorCannotBeClearedEndsOneWaitAndIsWatchedNoMore(@TempDir Path dir)
      throws Exception {
    // A FIFO's write end polls an error once its reader is gone, and it is no socket: the stand-in
    // for a TAP whose device was deleted.
    Path fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    int reader = Libc.open(fifo.toString(), Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
    int writer = Libc.open(fifo.toString(), O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
    try (EpollWaiter waiter = EpollWaiter.open()) {
      waiter.watch(writer);
      Libc.close(reader);

      assertThat(waiter.await(-1)).as("ended by the descriptor, not a signal").isFalse();
      assertThat(waiter.unwatchedOnError()).isEqualTo(1);
      // Had it stayed in the set, this wait would report it again and count it a second time.
      waiter.signal();
      assertThat(waiter.await(-1)).as("only the signal ends the next wait").isTrue();
      assertThat(waiter.unwatchedOnError()).isEqualTo(1);
    } finally {
      Libc.close(writer);
    }
  }

  @Test
  void aDescriptorEpollCannotWatchIsRefusedWithTheReason() {
    int zero = Libc.open("/dev/zero", Libc.O_RDONLY | Libc.O_CLOEXEC);
    try (EpollWaiter waiter = EpollWaiter.open()) {
      assertThatThrownBy(() -> waiter.watch(zero))
          .isInstanceOf(LinuxCallException.class)
          .hasMessageStartingWith("epoll_ctl(ADD, " + zero + ") failed: Operation not permitted");
    } finally {
      Libc.close(zero);
    }
  }

  @Test
  void aSignalAfterCloseDoesNothing() {
    EpollWaiter waiter = EpollWaiter.open();
    waiter.close();
    waiter.signal();
    waiter.close();
  }
}
