package io.kvswitch.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end with a deadline, keeping what it printed. */
public final class Commands {

  /** Long enough for any setup command; a command that takes longer is stuck. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private Commands() {}

  public static CommandResult run(List<String> command) {
    return run(command, DEFAULT_TIMEOUT);
  }

  public static CommandResult run(List<String> command, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      // Files rather than pipes: a command that prints a lot cannot block on a full pipe.
      out = Files.createTempFile("kvt-cmd", ".out");
      err = Files.createTempFile("kvt-cmd", ".err");
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + timeout);
      }
      return new CommandResult(
          List.copyOf(command),
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  public static CommandResult runOk(String... command) {
    return run(List.of(command)).orThrow();
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover temp file is harmless; the command's own outcome is what matters.
    }
  }
}
