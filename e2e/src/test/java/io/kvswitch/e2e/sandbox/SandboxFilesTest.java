package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sandbox down} removes the files the sandbox made, and only those. */
class SandboxFilesTest {

  @TempDir Path temp;

  @Test
  void removesTheSandboxsEntriesAndItsFolderWhenNothingElseIsInIt() throws IOException {
    Path dir = sandboxFolderIn(temp.resolve("sandbox"));

    assertThat(SandboxFiles.removeFrom(dir))
        .containsExactly("state.json", "kubeconfig", "supervisor.log", "logs", "nodes");
    assertThat(dir).doesNotExist();
  }

  @Test
  void leavesWhatTheSandboxDidNotMake() throws IOException {
    Path dir = sandboxFolderIn(temp.resolve("shared"));
    Files.writeString(dir.resolve("notes.txt"), "mine\n");

    SandboxFiles.removeFrom(dir);

    assertThat(dir).isDirectory();
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
    }
  }

  private static Path sandboxFolderIn(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(dir.resolve("logs/kvswitch-fabric-node-1.log"), "agent\n");
    Files.createDirectories(dir.resolve("nodes/node-1/run/kvswitch"));
    Files.writeString(dir.resolve("nodes/node-1/run/kvswitch/state.json"), "{}\n");
    Files.writeString(dir.resolve("state.json"), "{}\n");
    Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");
    Files.writeString(dir.resolve("supervisor.log"), "ready\n");
    return dir;
  }
}
