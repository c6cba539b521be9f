package io.kvswitch.dataplane.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Where the VM TAPs this agent serves live: one small JSON file per port, named after the port's
 * host interface name ({@link io.kvswitch.dataplane.agent.HostInterfaces}), holding the pod's
 * network namespace path and the TAP's name in it. A veth's host end can be found by name in the
 * node's namespace; a TAP lives only inside the pod's, so the engine looks here to open it again,
 * above all after an agent restart. The directory is on the node's {@code /run} (beside the CNI
 * socket), so the records go when the node reboots, as the namespaces they point to do.
 */
public final class VmTaps {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;

  public VmTaps(Path directory) {
    this.directory = directory;
  }

  /** The records of the agent whose CNI socket is {@code cniSocket}: {@code taps-<switch>/}. */
  public static VmTaps besideSocket(Path cniSocket, String switchName) {
    return new VmTaps(cniSocket.toAbsolutePath().resolveSibling("taps-" + switchName));
  }

  /**
   * A VM's TAP.
   *
   * @param netns the pod's network namespace path, as {@code CNI_NETNS} gave it
   * @param interfaceName the TAP's name inside it
   */
  public record Tap(String netns, String interfaceName) {}

  /** Records the TAP of port {@code hostName}, replacing any record of that port in one rename. */
  public void put(String hostName, Tap tap) {
    ObjectNode record = JSON.createObjectNode();
    record.put("netns", tap.netns());
    record.put("interface", tap.interfaceName());
    try {
      Files.createDirectories(directory);
      Path temporary = directory.resolve("." + hostName + ".tmp");
      Files.write(temporary, JSON.writeValueAsBytes(record));
      try {
        Files.move(
            temporary,
            file(hostName),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file(hostName), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the TAP of " + hostName, e);
    }
  }

  /** The TAP of port {@code hostName}; empty when the port is not a VM's (or has no record). */
  public Optional<Tap> find(String hostName) {
    JsonNode record;
    try {
      record = JSON.readTree(Files.readAllBytes(file(hostName)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the TAP record of " + hostName, e);
    }
    String netns = record.path("netns").asText("");
    String name = record.path("interface").asText("");
    if (netns.isEmpty() || name.isEmpty()) {
      throw new IllegalStateException(
          "TAP record " + file(hostName) + " lacks 'netns' or 'interface': " + record);
    }
    return Optional.of(new Tap(netns, name));
  }

  /** Forgets the TAP of port {@code hostName}; nothing when there is no record. */
  public void delete(String hostName) {
    try {
      Files.deleteIfExists(file(hostName));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the TAP record of " + hostName, e);
    }
  }

  private Path file(String hostName) {
    if (!hostName.matches("[A-Za-z0-9_.-]{1,15}") || hostName.startsWith(".")) {
      throw new IllegalArgumentException("'" + hostName + "' is not a host interface name");
    }
    return directory.resolve(hostName + ".json");
  }
}
