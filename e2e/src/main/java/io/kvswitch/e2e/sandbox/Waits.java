package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How the verbs wait: on an API object by fabric8's watch, on a network namespace by a watch of its
 * folder, on processes by their exit.
 */
final class Waits {

  /** Where {@code ip netns} keeps the namespaces' files. */
  private static final Path NETNS_DIR = Path.of("/run/netns");

  private Waits() {}

  /**
   * Waits, through fabric8's watch of the object, until {@code condition} holds for it; a deleted
   * or missing object reaches {@code condition} as {@code null}. The object as it was then (null
   * when deleted), or empty at the deadline.
   */
  static <T extends HasMetadata> Optional<Optional<T>> forObject(
      Resource<T> resource, Predicate<T> condition, Duration timeout) {
    try {
      return Optional.of(
          Optional.ofNullable(
              resource.waitUntilCondition(condition, timeout.toMillis(), TimeUnit.MILLISECONDS)));
    } catch (KubernetesClientTimeoutException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits until the network namespace {@code name} is gone, on a watch of the folder that holds the
   * namespaces' files ({@code ip netns del} unlinks the file last): no polling. True when it is
   * gone, false at the deadline.
   */
  static boolean forNamespaceGone(String name, Duration timeout) throws InterruptedException {
    Path file = NETNS_DIR.resolve(name);
    if (!Files.exists(file)) {
      return true;
    }
    Instant deadline = Instant.now().plus(timeout);
    try (WatchService watch = NETNS_DIR.getFileSystem().newWatchService()) {
      NETNS_DIR.register(watch, StandardWatchEventKinds.ENTRY_DELETE);
      // Checked after registering, so a deletion between the first check and now is not missed.
      while (Files.exists(file)) {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0) {
          return false;
        }
        WatchKey key = watch.poll(left, TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot watch " + NETNS_DIR, e);
    }
  }

  /**
   * Waits until {@code pids} lists no process any more, on each listed process's exit ({@link
   * ProcessHandle#onExit}), listing again after they ended since others may have started meanwhile.
   * True when none is left, false at the deadline or when a listed process cannot be waited for (it
   * is not visible to this process).
   */
  static boolean forProcessesGone(Supplier<List<Long>> pids, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Set<Long> unwaitable = new HashSet<>();
    for (List<Long> running = pids.get(); !running.isEmpty(); running = pids.get()) {
      List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
      for (long pid : running) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent()) {
          exits.add(handle.get().onExit());
        } else if (!unwaitable.add(pid)) {
          // Listed twice and never found: nothing to wait on, and listing again would spin.
          return false;
        }
      }
      long left = Duration.between(Instant.now(), deadline).toMillis();
      if (left <= 0) {
        return false;
      }
      try {
        CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
            .get(left, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return pids.get().isEmpty();
      } catch (ExecutionException e) {
        throw new IllegalStateException("waiting for processes to end", e.getCause());
      }
    }
    return true;
  }
}
