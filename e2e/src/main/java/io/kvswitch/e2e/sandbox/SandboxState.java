package io.kvswitch.e2e.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kvswitch.e2e.sandbox.net.Ledger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's record of itself, kept as JSON in its directory and rewritten before every
 * namespace, interface or process is created, so {@code sandbox down} can undo all of it after a
 * crash as well as after a clean stop.
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
  private final Record record;

  private SandboxState(Path file, Record record) {
    this.file = file;
    this.record = record;
  }

  public static Path fileIn(Path dir) {
    return dir.resolve("state.json");
  }

  public static SandboxState create(Path dir, String id) {
    Record record = new Record();
    record.id = id;
    SandboxState state = new SandboxState(fileIn(dir), record);
    state.save();
    return state;
  }

  public static SandboxState load(Path dir) throws IOException {
    return new SandboxState(fileIn(dir), JSON.readValue(fileIn(dir).toFile(), Record.class));
  }

  public Record record() {
    return record;
  }

  @Override
  public synchronized void namespace(String name) {
    record.namespaces.add(name);
    save();
  }

  @Override
  public synchronized void hostInterface(String name) {
    record.hostInterfaces.add(name);
    save();
  }

  public synchronized void process(long pid) {
    record.processes.add(pid);
    save();
  }

  public synchronized void node(String name) {
    record.nodes.add(name);
    save();
  }

  /** Records an object about to be created in an existing cluster, unless it is recorded. */
  public synchronized void clusterObject(
      String apiVersion, String kind, String namespace, String name) {
    boolean known =
        record.clusterObjects.stream()
            .anyMatch(
                o ->
                    o.apiVersion.equals(apiVersion)
                        && o.kind.equals(kind)
                        && java.util.Objects.equals(o.namespace, namespace)
                        && o.name.equals(name));
    if (!known) {
      record.clusterObjects.add(new ClusterObject(apiVersion, kind, namespace, name));
      save();
    }
  }

  public synchronized void update(java.util.function.Consumer<Record> change) {
    change.accept(record);
    save();
  }

  /** Written to a temporary file and moved into place, so a crash never leaves half a file. */
  private void save() {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(temporary.toFile(), record);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
