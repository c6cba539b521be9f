package io.kvswitch.dataplane.testing;

import io.kvswitch.dataplane.port.linux.Libc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A named network namespace ({@code ip netns}) that a {@link NetworkLab} made. */
public final class NetNamespace {

  private final String name;

  NetNamespace(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Runs {@code command} inside this namespace and returns how it ended. */
  public CommandResult exec(String... command) {
    return Commands.run(inside(command));
  }

  public CommandResult exec(Duration timeout, String... command) {
    return Commands.run(inside(command), timeout);
  }

  /** Runs {@code command} inside this namespace; throws, showing its output, unless it succeeds. */
  public CommandResult execOk(String... command) {
    return exec(command).orThrow();
  }

  /**
   * A process builder for {@code command} inside this namespace, to start with {@link
   * NetworkLab#start}.
   */
  public ProcessBuilder processBuilder(String... command) {
    return new ProcessBuilder(inside(command));
  }

  /** The MAC address of {@code interfaceName} in this namespace, as {@code ip} prints it. */
  public String macAddress(String interfaceName) {
    return execOk("cat", "/sys/class/net/" + interfaceName + "/address").stdout().strip();
  }

  /**
   * Runs {@code task} on a fresh thread that has joined this namespace, and returns its result.
   * Sockets and devices the task opens belong to this namespace and stay there, whichever thread
   * uses them later; the thread ends with the task, so no other code ever runs in the namespace.
   */
  public <T> T call(Callable<T> task) {
    FutureTask<T> future =
        new FutureTask<>(
            () -> {
              int fd =
                  Libc.open(Path.of("/run/netns", name).toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
              try {
                Libc.setns(fd, Libc.CLONE_NEWNET);
              } finally {
                Libc.close(fd);
              }
              return task.call();
            });
    Thread.ofPlatform().name("in-netns-" + name).start(future);
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("task in namespace " + name + " failed", e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IllegalStateException("task in namespace " + name + " did not finish", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private List<String> inside(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    return full;
  }

  @Override
  public String toString() {
    return name;
  }
}
