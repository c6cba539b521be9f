package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file is written by the supervisor and by verbs in other processes. */
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
}
