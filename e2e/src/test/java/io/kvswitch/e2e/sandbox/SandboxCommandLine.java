package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.e2e.testing.Command;
import io.kvswitch.e2e.testing.RequiredTool;
import io.kvswitch.e2e.testing.RootOnly;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code SandboxMain} as the launcher does, as its own JVM on this test's class path, with the
 * sandbox's files in a folder of the test's: for the ITs that bring a whole sandbox up.
 */
final class SandboxCommandLine {

  private final Path dir;
  private final Path javaBinary = Path.of(ProcessHandle.current().info().command().orElse("java"));
  private final String classpath = System.getProperty("java.class.path");

  private SandboxCommandLine(Path dir) {
    this.dir = dir;
  }

  /**
   * Checks what a sandbox needs (root, ip, setsid, no other sandbox on the machine: they share the
   * underlay addresses) and returns the command line for a sandbox in {@code dir}.
   */
  static SandboxCommandLine in(Path dir) {
    RootOnly.require("the sandbox creates network namespaces");
    RequiredTool.require("ip", "install iproute2");
    RequiredTool.require("setsid", "install util-linux");
    assertThat(SandboxState.fileIn(SandboxMain.DEFAULT_DIR))
        .as("a sandbox is running on this machine; stop it with ./kvswitch sandbox down first")
        .doesNotExist();
    return new SandboxCommandLine(dir);
  }

  /** The command that runs {@code SandboxMain ARGS}, without {@code --dir}. */
  List<String> command(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBinary.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classpath,
                SandboxMain.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** Runs {@code SandboxMain ARGS --dir DIR} to its end (4 minutes at most). */
  Command.Result run(String... args) throws Exception {
    List<String> command = command(args);
    command.addAll(List.of("--dir", dir.toString()));
    return Command.run(command, null, 240);
  }

  /** {@code down}, when a sandbox was brought up in the folder. */
  void downIfUp() throws Exception {
    if (Files.exists(SandboxState.fileIn(dir))) {
      run("down");
    }
  }
}
