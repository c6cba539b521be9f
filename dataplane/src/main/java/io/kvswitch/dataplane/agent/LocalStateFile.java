package io.kvswitch.dataplane.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvswitch.api.v1alpha1.SwitchNodeStateSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The agent's local copy of the last state it was given, so that a restarted agent can plug its
 * ports back in before the API server answers (or while it is away). Written to a temporary file
 * and renamed over the old one, so a crash mid-write leaves the previous copy whole.
 */
public final class LocalStateFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public LocalStateFile(Path file) {
    this.file = file;
  }

  /** The file for one switch's state in {@code directory}. */
  public static LocalStateFile in(Path directory, String switchName) {
    return new LocalStateFile(directory.resolve(switchName + ".state.json"));
  }

  public Path path() {
    return file;
  }

  /** What the file holds, empty when there is no file or it cannot be read as a state. */
  public Optional<Saved> read() {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Saved saved = JSON.readValue(file.toFile(), Saved.class);
      return saved.spec() == null ? Optional.empty() : Optional.of(saved);
    } catch (IOException e) {
      // A damaged copy is no worse than none: the API server has the truth.
      return Optional.empty();
    }
  }

  public void write(Saved saved) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(temporary.toFile(), saved);
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * One saved state.
   *
   * @param generation the SwitchNodeState's metadata.generation
   * @param spec its spec
   */
  public record Saved(long generation, SwitchNodeStateSpec spec) {}
}
