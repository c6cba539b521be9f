package io.kvswitch.e2e.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kvswitch.e2e.sandbox.net.Ledger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's record of itself, kept as JSON in its directory and rewritten before every
 * namespace, interface or process is created, so {@code sandbox down} can undo all of it after a
 * crash as well as after a clean stop.
 *
 * <p>Two processes write it: the supervisor, and the verbs that create objects in an existing
 * cluster ({@code pod add}). So every change is made under a lock on {@code state.lock} to the
 * record as it is on disk at that moment, never to a copy read earlier, and no process's change
 * overwrites another's.
 */
public final class SandboxState implements Ledger {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What is written to disk. */
  public static final class Record {
    public String id;
    public String apiUrl;
    public String kubeconfig;
    public long supervisorPid;
    public List<String> namespaces = new ArrayList<>();
    public List<String> hostInterfaces = new ArrayList<>();
    public List<Long> processes = new ArrayList<>();
    public List<String> nodes = new ArrayList<>();

    /** Each node's number on the underlay (its address is 198.18.1.N). */
    public Map<String, Integer> nodeIndexes = new LinkedHashMap<>();

    /**
     * The existing cluster's API server this sandbox uses ({@code up --kubeconfig}), or null when
     * it serves its own.
     */
    public String externalServer;

    /** The kubeconfig of that existing cluster, as given to {@code up --kubeconfig}. */
    public String externalKubeconfig;

    /** What the sandbox created in the existing cluster, in order; {@code down} deletes these. */
    public List<ClusterObject> clusterObjects = new ArrayList<>();

    public boolean external() {
      return externalServer != null;
    }
  }

  /** One object the sandbox created in an existing cluster, named as kubectl would name it. */
  public static final class ClusterObject {
    public String apiVersion;
    public String kind;
    public String namespace;
    public String name;

    public ClusterObject() {}

    ClusterObject(String apiVersion, String kind, String namespace, String name) {
      this.apiVersion = apiVersion;
      this.kind = kind;
      this.namespace = namespace;
      this.name = name;
    }

    @Override
    public String toString() {
      return kind + " " + (namespace == null ? "" : namespace + "/") + name;
    }
  }

  private final Path file;
  private volatile Record record;

  private SandboxState(Path file, Record record) {
    this.file = file;
    this.record = record;
  }

  public static Path fileIn(Path dir) {
    return dir.resolve("state.json");
  }

  /** The lock every writer of the state holds while it reads, changes and writes it. */
  static Path lockIn(Path dir) {
    return dir.resolve("state.lock");
  }

  public static SandboxState create(Path dir, String id) {
    Record record = new Record();
    record.id = id;
    SandboxState state = new SandboxState(fileIn(dir), record);
    state.update(r -> {}, record);
    return state;
  }

  public static SandboxState load(Path dir) throws IOException {
    return new SandboxState(fileIn(dir), JSON.readValue(fileIn(dir).toFile(), Record.class));
  }

  public Record record() {
    return record;
  }

  @Override
  public void namespace(String name) {
    update(r -> r.namespaces.add(name));
  }

  @Override
  public void hostInterface(String name) {
    update(r -> r.hostInterfaces.add(name));
  }

  public void process(long pid) {
    update(r -> r.processes.add(pid));
  }

  public void node(String name) {
    update(r -> r.nodes.add(name));
  }

  /** Records an object about to be created in an existing cluster, unless it is recorded. */
  public void clusterObject(String apiVersion, String kind, String namespace, String name) {
    update(
        r -> {
          boolean known =
              r.clusterObjects.stream()
                  .anyMatch(
                      o ->
                          o.apiVersion.equals(apiVersion)
                              && o.kind.equals(kind)
                              && java.util.Objects.equals(o.namespace, namespace)
                              && o.name.equals(name));
          if (!known) {
            r.clusterObjects.add(new ClusterObject(apiVersion, kind, namespace, name));
          }
        });
  }

  /**
   * Applies {@code change} to the record as stored now (another process may have added to it) and
   * stores the result; {@link #record()} returns it from then on.
   */
  public void update(java.util.function.Consumer<Record> change) {
    update(change, null);
  }

  private synchronized void update(java.util.function.Consumer<Record> change, Record fresh) {
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel channel =
          FileChannel.open(
              lockIn(file.getParent()), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock = channel.lock();
        try {
          Record current =
              fresh == null && Files.exists(file)
                  ? JSON.readValue(file.toFile(), Record.class)
                  : fresh == null ? record : fresh;
          change.accept(current);
          save(current);
          record = current;
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Written to a temporary file and moved into place, so a crash never leaves half a file. */
  private void save(Record current) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(temporary.toFile(), current);
    Files.move(
        temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
