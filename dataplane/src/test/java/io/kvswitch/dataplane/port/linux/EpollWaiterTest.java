package io.kvswitch.dataplane.port.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What an idle forwarding thread blocks on: its ports' descriptors and a signal. */
@Timeout(value = 30, unit = TimeUnit.SECONDS) // a broken wake-up hangs instead of failing
class EpollWaiterTest {

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
