package io.kvswitch.dataplane.testing;

import java.util.List;

/** How a command ended and what it printed. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** This result, or an exception that shows the command and everything it printed. */
  public CommandResult orThrow() {
    if (!succeeded()) {
      throw new IllegalStateException(describe());
    }
    return this;
  }

  public String describe() {
    return String.join(" ", command)
        + " exited with "
        + exitCode
        + "\n--- stdout ---\n"
        + stdout
        + "--- stderr ---\n"
        + stderr;
  }
}
