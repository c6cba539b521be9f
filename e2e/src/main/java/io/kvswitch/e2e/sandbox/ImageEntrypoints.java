package io.kvswitch.e2e.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the sandbox runs for a container image: the images the Maven build makes map to the main
 * class their entrypoint starts (see the jib-maven-plugin configuration in each module's pom), run
 * from the sandbox's own class path; any other image needs the container to name a command.
 */
final class ImageEntrypoints {

  private static final Map<String, String> MAIN_CLASSES =
      Map.of(
          "kvswitch/operator", "io.kvswitch.operator.OperatorMain",
          "kvswitch/dataplane", "io.kvswitch.dataplane.agent.AgentMain");

  private ImageEntrypoints() {}

  /**
   * The command line for a container, as a container runtime would build it: {@code command}
   * replaces the image's entrypoint, {@code args} follow.
   */
  static Optional<List<String>> commandFor(String image, List<String> command, List<String> args) {
    List<String> line = new ArrayList<>();
    if (command != null && !command.isEmpty()) {
      line.addAll(command);
    } else {
      Optional<String> main = mainClass(image);
      if (main.isEmpty()) {
        return Optional.empty();
      }
      line.addAll(Supervisor.javaCommand());
      line.add(main.get());
    }
    if (args != null) {
      line.addAll(args);
    }
    return Optional.of(line);
  }

  static Optional<String> mainClass(String image) {
    String repository = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int lastColon = repository.lastIndexOf(':');
    if (lastColon > repository.lastIndexOf('/')) {
      repository = repository.substring(0, lastColon);
    }
    for (Map.Entry<String, String> entry : MAIN_CLASSES.entrySet()) {
      if (repository.endsWith(entry.getKey())) {
        return Optional.of(entry.getValue());
      }
    }
    return Optional.empty();
  }
}
