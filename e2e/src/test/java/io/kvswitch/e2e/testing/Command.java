package io.kvswitch.e2e.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program to completion with a deadline and keeps what it printed. */
public final class Command {

  /** What a finished program left behind. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String output() {
      return stdout + stderr;
    }
  }

  private Command() {}

  public static Result run(List<String> command, String stdin, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("kvswitch-cmd", ".out");
    Path err = Files.createTempFile("kvswitch-cmd", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            command + " did not finish within " + timeoutSeconds + "s; ended it");
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
