package io.kvswitch.e2e.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a sandbox writes into its folder, so that {@code sandbox down} removes exactly those:
 * the folder may be one the user named with {@code --dir}, which can hold other files too. Nodes'
 * host paths (agent sockets, local state copies, TAP records) go with them, so the next {@code up}
 * starts clean.
 */
final class SandboxFiles {

  /** Entries of the sandbox folder that the sandbox creates, files and folders. */
  static final List<String> ENTRIES =
      List.of(
          "ready",
          "state.json",
          "state.lock",
          "kubeconfig",
          "supervisor.log",
          "operator.log",
          "logs",
          "nodes",
          "workloads");

  private SandboxFiles() {}

  /**
   * Removes the sandbox's entries from {@code dir}, and {@code dir} itself when nothing else is
   * left in it; returns the entries that were there.
   */
  static List<String> removeFrom(Path dir) {
    List<String> removed = new ArrayList<>();
    for (String entry : ENTRIES) {
      Path path = dir.resolve(entry);
      if (Files.exists(path)) {
        deleteTree(path);
        removed.add(entry);
      }
    }
    try (Stream<Path> rest = Files.list(dir)) {
      if (rest.findAny().isEmpty()) {
        Files.delete(dir);
      }
    } catch (IOException e) {
      // The folder is gone already or holds something else: leave it.
    }
    return removed;
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
    }
  }
}
