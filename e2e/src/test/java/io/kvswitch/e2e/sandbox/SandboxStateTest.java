package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state file is written by the supervisor and by verbs in other processes; the concurrent case
 * runs writers in JVMs of their own, so only the file lock keeps their changes.
 */
class SandboxStateTest {

  @TempDir Path dir;

  @Test
  void aChangeFromAnotherProcessIsKeptWhenTheSupervisorWritesNext() throws Exception {
    SandboxState supervisor = SandboxState.create(dir, "st8t");
    supervisor.update(r -> r.externalServer = "https://localhost:6443");
    // A verb loads the state in a process of its own and records the Pod it is about to create.
    SandboxState verb = SandboxState.load(dir);

    verb.clusterObject("v1", "Pod", "default", "web-1");
    supervisor.namespace("kvsst8t-node-1");
    supervisor.clusterObject("v1", "Node", null, "node-1");

    SandboxState.Record stored = SandboxState.load(dir).record();
    assertThat(stored.clusterObjects)
        .extracting(Object::toString)
        .containsExactly("Pod default/web-1", "Node node-1");
    assertThat(stored.namespaces).containsExactly("kvsst8t-node-1");
    assertThat(supervisor.record().clusterObjects).hasSize(2);
  }

  @Test
  void recordingTheSameObjectTwiceKeepsOneEntry() throws Exception {
    SandboxState state = SandboxState.create(dir, "st8t");

    state.clusterObject("v1", "Pod", "default", "web-1");
    SandboxState.load(dir).clusterObject("v1", "Pod", "default", "web-1");

    assertThat(SandboxState.load(dir).record().clusterObjects).hasSize(1);
  }

  @Test
  void writersInOtherProcessesAndThisOneLoseNoChange() throws Exception {
    SandboxState supervisor = SandboxState.create(dir, "st8t");
    int each = 60;
    List<Process> writers = new ArrayList<>();
    for (String prefix : List.of("a", "b")) {
      writers.add(
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  SandboxStateWriter.class.getName(),
                  dir.toString(),
                  prefix,
                  Integer.toString(each))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("writer-" + prefix + ".log").toFile())
              .start());
    }
    for (int i = 0; i < each; i++) {
      supervisor.namespace("kvsst8t-node-" + i);
    }
    for (Process writer : writers) {
      assertThat(writer.waitFor())
          .as(() -> "writer output: " + read(dir.resolve("writer-a.log")))
          .isZero();
    }

    SandboxState.Record stored = SandboxState.load(dir).record();
    assertThat(stored.clusterObjects).hasSize(2 * each);
    assertThat(stored.namespaces).hasSize(each);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
