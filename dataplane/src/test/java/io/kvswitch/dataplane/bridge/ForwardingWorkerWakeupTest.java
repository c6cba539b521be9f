package io.kvswitch.dataplane.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kvswitch.dataplane.TestFrames;
import io.kvswitch.dataplane.engine.ForwardingCore;
import io.kvswitch.dataplane.engine.MacTableSettings;
import io.kvswitch.dataplane.engine.PortVlanConfig;
import io.kvswitch.dataplane.engine.StormControlSettings;
import io.kvswitch.dataplane.port.FrameSink;
import io.kvswitch.dataplane.port.InMemoryPort;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.linux.Libc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An idle forwarding thread sleeps in {@code epoll_wait} and nothing but a wake-up gets it out: the
 * worker here is not the housekeeper, so its wait has no timeout, and a frame that arrives without
 * a wake-up stays where it is. The thread's state is read from {@code
 * /proc/self/task/<tid>/syscall} (the system call it is blocked in).
 */
class ForwardingWorkerWakeupTest {

  private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
  private static final String H1 = "02:00:00:00:00:01";
  private static final String H3 = "02:00:00:00:00:03";
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  /** epoll_wait and epoll_pwait on x86-64; epoll_pwait on arm64, which has no epoll_wait. */
  private static final Set<String> EPOLL_WAIT_SYSCALLS =
      "aarch64".equals(System.getProperty("os.arch")) ? Set.of("22") : Set.of("232", "281");

  private final ForwardingCore core = new ForwardingCore(4, MacTableSettings.DEFAULTS);
  private final Port[] ports = new Port[4];
  private final TransmitLock[] locks = {
    new TransmitLock(), new TransmitLock(), new TransmitLock(), new TransmitLock()
  };
  private final Arena arena = Arena.ofShared();
  private final String threadName = "kvtwk" + ThreadLocalRandom.current().nextInt(10_000, 100_000);
  private final InMemoryPort h1 = new InMemoryPort("h1");
  private final InMemoryPort h2 = new InMemoryPort("h2");
  private ForwardingWorker worker;
  private Thread thread;

  @BeforeEach
  void startWorker() {
    worker =
        new ForwardingWorker(
            core, ports, locks, 64, false, System::nanoTime, arena.allocate(65_536 + 256, 64));
    plug(0, h1);
    plug(1, h2);
    thread = Thread.ofPlatform().name(threadName).daemon().start(worker);
  }

  @AfterEach
  void stopWorker() throws InterruptedException {
    worker.stop();
    thread.join();
    worker.close();
    arena.close();
  }

  @Test
  void anIdleWorkerBlocksInEpollAndAFrameOnAnInMemoryPortWakesIt() {
    awaitBlockedInEpoll();

    h1.inject(TestFrames.untagged(BROADCAST, H1, 46));

    await().atMost(PATIENCE).until(() -> h2.sentCount() == 1);
    awaitBlockedInEpoll();
    h1.inject(TestFrames.untagged(BROADCAST, H1, 46));
    await("woken a second time").atMost(PATIENCE).until(() -> h2.sentCount() == 2);
  }

  @Test
  void wakeEndsTheWaitForFramesThatCameWithoutAWakeup() {
    h1.setReceiveWakeup(() -> {});
    awaitBlockedInEpoll();

    h1.inject(TestFrames.untagged(BROADCAST, H1, 46));
    assertThat(h1.pendingInbound()).as("nothing woke the worker").isEqualTo(1);
    assertThat(syscall()).isIn(EPOLL_WAIT_SYSCALLS);

    worker.wake();
    await().atMost(PATIENCE).until(() -> h2.sentCount() == 1);
    assertThat(h1.pendingInbound()).isZero();
  }

  @Test
  void aPortOwnedWhileTheWorkerIsBlockedIsReceivedFromAndADisownedOneIsNot() {
    awaitBlockedInEpoll();
    InMemoryPort h3 = new InMemoryPort("h3");
    plug(2, h3);

    h3.inject(TestFrames.untagged(BROADCAST, H3, 46));
    await().atMost(PATIENCE).until(() -> h1.sentCount() == 1 && h2.sentCount() == 1);

    awaitBlockedInEpoll();
    worker.disown(2);
    core.removePort(2);
    h3.inject(TestFrames.untagged(BROADCAST, H3, 46));
    h1.inject(TestFrames.untagged(BROADCAST, H1, 46));
    await().atMost(PATIENCE).until(() -> h2.sentCount() == 2);
    assertThat(h3.pendingInbound()).as("no longer received from").isEqualTo(1);
  }

  @Test
  void aPortThatAnnouncesNothingIsPolledOnATimer() {
    SilentPort silent = new SilentPort(new InMemoryPort("h3"));
    plug(2, silent);

    silent.port.inject(TestFrames.untagged(BROADCAST, H3, 46));

    await().atMost(PATIENCE).until(() -> h1.sentCount() == 1 && h2.sentCount() == 1);
    worker.disown(2);
    core.removePort(2);
    awaitBlockedInEpoll(); // without it the worker blocks again
  }

  /**
   * The peer ports of one VXLAN tunnel share its socket; epoll takes a descriptor once, so the
   * worker watches it once for all of them and stops only when the last one goes. A second watch
   * that failed would make the worker poll on a timer instead of blocking.
   */
  @Test
  void portsSharingADescriptorAreWatchedOnceAndUntilTheLastOfThemIsDisowned() {
    int eventFd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
    try {
      SharedFdPort first = new SharedFdPort("s1", eventFd, "02:00:00:00:00:11");
      SharedFdPort second = new SharedFdPort("s2", eventFd, "02:00:00:00:00:12");
      plug(2, first);
      plug(3, second);
      awaitBlockedInEpoll();

      signal(eventFd);
      await().atMost(PATIENCE).until(() -> h1.sentCount() == 1 && h2.sentCount() == 1);
      awaitBlockedInEpoll();
      worker.disown(2);
      core.removePort(2);
      awaitBlockedInEpoll();
      signal(eventFd);

      await("woken by the descriptor the remaining port still shares")
          .atMost(PATIENCE)
          .until(() -> h1.sentCount() == 2 && h2.sentCount() == 2);
      assertThat(first.delivered + second.delivered).isEqualTo(2);
    } finally {
      Libc.close(eventFd);
    }
  }

  private void signal(int eventFd) {
    MemorySegment one = arena.allocate(Long.BYTES);
    one.set(ValueLayout.JAVA_LONG, 0, 1L);
    Libc.write(eventFd, one, Long.BYTES);
  }

  private void plug(int index, Port port) {
    ports[index] = port;
    core.setPort(index, PortVlanConfig.access(10), StormControlSettings.UNLIMITED, 0);
    port.setReceiveWakeup(worker::wake);
    worker.own(index);
  }

  private void awaitBlockedInEpoll() {
    await("worker blocked in epoll_wait")
        .atMost(PATIENCE)
        .until(() -> EPOLL_WAIT_SYSCALLS.contains(syscall()));
  }

  /** The number of the system call the worker's thread is blocked in, or "running". */
  private String syscall() {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        if (readOrEmpty(task.resolve("comm")).strip().equals(threadName)) {
          return readOrEmpty(task.resolve("syscall")).split(" ")[0].strip();
        }
      }
      return "no thread " + threadName;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readOrEmpty(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return ""; // a thread that ended while the directory was read
    }
  }

  /** A port whose frames are announced by an eventfd it may share with others: one per signal. */
  private final class SharedFdPort implements Port {
    final String name;
    final int fd;
    final byte[] frame;
    final MemorySegment counter = arena.allocate(Long.BYTES);
    volatile int delivered;

    SharedFdPort(String name, int fd, String mac) {
      this.name = name;
      this.fd = fd;
      this.frame = TestFrames.untagged(BROADCAST, mac, 46);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int receiveBatch(FrameSink sink, int maxFrames) {
      if (Libc.readNoErrno(fd, counter, Long.BYTES) != Long.BYTES) {
        return 0;
      }
      sink.accept(MemorySegment.ofArray(frame), 0, frame.length);
      delivered++;
      return 1;
    }

    @Override
    public boolean transmit(MemorySegment buffer, long offset, int length) {
      return true;
    }

    @Override
    public void flushTransmit() {}

    @Override
    public boolean isLinkUp() {
      return true;
    }

    @Override
    public int pollFd() {
      return fd;
    }

    @Override
    public void close() {}
  }

  /** A port that neither has a descriptor nor runs its receive wake-up. */
  private static final class SilentPort implements Port {
    final InMemoryPort port;

    SilentPort(InMemoryPort port) {
      this.port = port;
    }

    @Override
    public String name() {
      return port.name();
    }

    @Override
    public int receiveBatch(FrameSink sink, int maxFrames) {
      return port.receiveBatch(sink, maxFrames);
    }

    @Override
    public boolean transmit(MemorySegment buffer, long offset, int length) {
      return port.transmit(buffer, offset, length);
    }

    @Override
    public void flushTransmit() {
      port.flushTransmit();
    }

    @Override
    public boolean isLinkUp() {
      return true;
    }

    @Override
    public int pollFd() {
      return -1;
    }

    @Override
    public void close() {
      port.close();
    }
  }
}
