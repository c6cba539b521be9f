package io.kvswitch.e2e.sandbox;

import java.nio.file.Path;

/**
 * A second process writing a sandbox's state, as a verb does while the supervisor writes it: {@code
 * SandboxStateWriter DIR PREFIX COUNT} records COUNT Pods named PREFIX-i, one update each.
 */
public final class SandboxStateWriter {

  private SandboxStateWriter() {}

  public static void main(String[] args) throws Exception {
    SandboxState state = SandboxState.load(Path.of(args[0]));
    int count = Integer.parseInt(args[2]);
    for (int i = 0; i < count; i++) {
      state.clusterObject("v1", "Pod", "default", args[1] + "-" + i);
    }
  }
}
