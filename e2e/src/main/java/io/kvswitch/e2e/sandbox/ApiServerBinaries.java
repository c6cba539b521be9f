package io.kvswitch.e2e.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The third way to get an API server (issue 6): real {@code etcd} and {@code kube-apiserver}
 * binaries. Running them is not built yet; this finds them and says so plainly, so that {@code up
 * --apiserver-binaries} never pretends.
 */
final class ApiServerBinaries {

  static final List<String> PROGRAMS = List.of("etcd", "kube-apiserver");

  private ApiServerBinaries() {}

  /** Where each program is, in {@code dir} if given, else on PATH; empty when not found. */
  static Optional<Path> find(String program, Optional<Path> dir) {
    List<Path> folders = new ArrayList<>();
    if (dir.isPresent()) {
      folders.add(dir.get());
    } else {
      for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        folders.add(Path.of(folder));
      }
    }
    return folders.stream()
        .map(folder -> folder.resolve(program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** What {@code up --apiserver-binaries} answers: what was found, and that it is not supported. */
  static String describe(Optional<Path> dir) {
    StringBuilder text =
        new StringBuilder(
            "sandbox: running etcd and kube-apiserver binaries is not supported yet; use the"
                + " sandbox's own API server (the default) or --kubeconfig FILE of an existing"
                + " cluster (kind, k3d).");
    for (String program : PROGRAMS) {
      text.append("\n  ")
          .append(program)
          .append(": ")
          .append(
              find(program, dir)
                  .map(Path::toString)
                  .orElse("not found in " + dir.map(Path::toString).orElse("PATH")));
    }
    return text.toString();
  }
}
