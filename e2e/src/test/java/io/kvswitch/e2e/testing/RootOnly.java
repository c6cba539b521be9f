package io.kvswitch.e2e.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that create network namespaces need root. Without it they are skipped with a message,
 * except under {@code CI=true}, where a skip would hide a broken setup and the test fails.
 */
public final class RootOnly {

  private RootOnly() {}

  public static void require(String why) {
    if (isRoot()) {
      return;
    }
    String message = "not root, and " + why;
    if ("true".equals(System.getenv("CI"))) {
      fail(message + " (CI=true: a missing privilege fails instead of skipping)");
    }
    Assumptions.abort(message + "; skipping");
  }

  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}
