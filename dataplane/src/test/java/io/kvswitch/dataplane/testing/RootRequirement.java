package io.kvswitch.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need root (network namespaces, raw sockets, TAP devices) skip with a message when run
 * by another user, but fail when {@code CI=true}: CI runs as root, so a skip there would hide a
 * broken setup.
 */
public final class RootRequirement {

  private RootRequirement() {}

  /** Returns when running as root; otherwise skips the test, or fails it in CI. */
  public static void check() {
    check(effectiveUid(), System.getenv("CI"));
  }

  static void check(long effectiveUid, String ciVariable) {
    if (effectiveUid == 0) {
      return;
    }
    String message =
        "needs root (network namespaces, veth, AF_PACKET, TAP); running as uid " + effectiveUid;
    if ("true".equalsIgnoreCase(ciVariable)) {
      Assertions.fail(message + ", and CI=true forbids skipping");
    }
    Assumptions.abort(message + "; skipped");
  }

  static long effectiveUid() {
    try {
      // "Uid:" then real, effective, saved and filesystem uid.
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/status", e);
    }
    throw new IllegalStateException("/proc/self/status has no Uid line");
  }
}
