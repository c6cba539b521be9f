package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.e2e.testing.Command;
import io.kvswitch.e2e.testing.RootOnly;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The verbs' waits on local state: they end on the event, not on a timer. */
class WaitsIT {

  @Test
  void aNamespaceWaitEndsWhenTheNamespaceIsDeleted() throws Exception {
    RootOnly.require("the test creates a network namespace");
    String name =
        "kvwait" + HexFormat.of().toHexDigits((byte) ThreadLocalRandom.current().nextInt());
    ip("netns", "add", name);
    try {
      assertThat(Waits.forNamespaceGone(name, Duration.ofMillis(300))).isFalse();

      CompletableFuture<Boolean> gone =
          CompletableFuture.supplyAsync(() -> waitGone(name, Duration.ofSeconds(30)));
      ip("netns", "del", name);

      assertThat(gone.get()).isTrue();
    } finally {
      Command.run(List.of("ip", "netns", "del", name), "", 30);
    }
  }

  @Test
  void aMissingNamespaceIsGoneAtOnce() throws InterruptedException {
    RootOnly.require("the test reads /run/netns");
    assertThat(Waits.forNamespaceGone("kvwait-never-made", Duration.ZERO)).isTrue();
  }

  @Test
  void aProcessWaitEndsWhenTheListedProcessesHaveEnded() throws Exception {
    Process first = new ProcessBuilder("sleep", "60").start();
    Process second = new ProcessBuilder("sleep", "60").start();
    try {
      List<Process> processes = List.of(first, second);
      assertThat(Waits.forProcessesGone(() -> alive(processes), Duration.ofMillis(300))).isFalse();

      CompletableFuture<Boolean> gone =
          CompletableFuture.supplyAsync(() -> waitProcesses(processes, Duration.ofSeconds(30)));
      first.destroy();
      second.destroy();

      assertThat(gone.get()).isTrue();
      assertThat(alive(processes)).isEmpty();
    } finally {
      first.destroyForcibly();
      second.destroyForcibly();
    }
  }

  @Test
  void aProcessThatCannotBeFoundEndsTheWaitInsteadOfSpinning() throws InterruptedException {
    // A pid far above pid_max is listed but never exists.
    assertThat(Waits.forProcessesGone(() -> List.of(Long.MAX_VALUE), Duration.ofSeconds(30)))
        .isFalse();
  }

  private static List<Long> alive(List<Process> processes) {
    return processes.stream().filter(Process::isAlive).map(Process::pid).toList();
  }

  private static boolean waitGone(String name, Duration timeout) {
    try {
      return Waits.forNamespaceGone(name, timeout);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean waitProcesses(List<Process> processes, Duration timeout) {
    try {
      return Waits.forProcessesGone(() -> alive(processes), timeout);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void ip(String... args) throws IOException, InterruptedException {
    Command.Result result =
        Command.run(Stream.concat(Stream.of("ip"), Stream.of(args)).toList(), "", 30);
    assertThat(result.exitCode()).as("ip %s: %s", String.join(" ", args), result.output()).isZero();
  }
}
