package io.kvswitch.e2e.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * A program a test drives. Where it is missing the test is skipped with a message saying so, except
 * under {@code CI=true}: there a skip would hide a broken setup, so the test fails.
 */
public final class RequiredTool {

  private RequiredTool() {}

  public static Path require(String program, String whyAndHowToInstall) {
    Optional<Path> found = find(program);
    if (found.isPresent()) {
      return found.get();
    }
    String message = program + " is not on PATH: " + whyAndHowToInstall;
    if ("true".equals(System.getenv("CI"))) {
      fail(message + " (CI=true: a missing tool fails instead of skipping)");
    }
    Assumptions.abort(message + "; skipping");
    throw new IllegalStateException("unreachable");
  }

  static Optional<Path> find(String program) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
