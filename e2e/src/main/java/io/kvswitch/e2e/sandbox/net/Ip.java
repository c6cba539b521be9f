package io.kvswitch.e2e.sandbox.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2's {@code ip}: the sandbox builds its simulated network with the same tool a person
 * would use to inspect it.
 */
public final class Ip {

  private Ip() {}

  /** Runs {@code ip ARGS...} and fails with its error output when it fails. */
  public static String run(String... args) {
    Result result = tryRun(args);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "ip " + String.join(" ", args) + " failed: " + result.output().trim());
    }
    return result.output();
  }

  /** Runs {@code ip ARGS...} and returns how it went, for steps that may already be undone. */
  public static Result tryRun(String... args) {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("ip " + String.join(" ", args) + " did not finish in 30 s");
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run ip (is iproute2 installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running ip", e);
    }
  }

  /** Runs {@code ip netns exec NS ip ARGS...}. */
  public static String inNamespace(String namespace, String... args) {
    List<String> command = new ArrayList<>(List.of("netns", "exec", namespace, "ip"));
    command.addAll(List.of(args));
    return run(command.toArray(String[]::new));
  }

  /** What a finished {@code ip} printed, with its exit code. */
  public record Result(int exitCode, String output) {}
}
