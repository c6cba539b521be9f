package io.kvswitch.e2e.sandbox;

import io.kvswitch.e2e.sandbox.net.SandboxNames;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ./kvswitch sandbox VERB}: the whole system on one machine. Each verb prints what it did;
 * {@code --help} on any verb says what it takes.
 */
public final class SandboxMain {

  static final Path DEFAULT_DIR = Path.of("/run/kvswitch-sandbox");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final PrintStream out;
  private final Path dir;

  private SandboxMain(PrintStream out, Path dir) {
    this.out = out;
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    Path dir = option(rest, "--dir").map(Path::of).orElse(DEFAULT_DIR);
    String verb = rest.isEmpty() ? "--help" : rest.removeFirst();
    int exit;
    try {
      exit = new SandboxMain(System.out, dir).run(verb, rest);
    } catch (Exception e) {
      // Exiting runs the supervisor's shutdown hook, which removes what it made so far; the API
      // server's threads would otherwise keep a failed supervisor alive.
      System.err.println("sandbox: " + verb + " failed: " + e);
      e.printStackTrace(System.err);
      exit = 1;
    }
    System.exit(exit);
  }

  private int run(String verb, List<String> rest) throws Exception {
    return switch (verb) {
      case "up" -> up(rest);
      case "supervise" -> supervise(rest);
      case "down" -> down(rest);
      case "status" -> status(rest);
      case "kubeconfig" -> kubeconfig(rest);
      case "--help", "help", "-h" -> usage(System.out, 0);
      default -> {
        System.err.println("sandbox: unknown verb '" + verb + "'");
        yield usage(System.err, 2);
      }
    };
  }

  private static int usage(PrintStream to, int exit) {
    to.println(
        """
        Usage: ./kvswitch sandbox VERB [--dir DIR] [OPTIONS]

        Verbs:
          up [--nodes N]   start the sandbox: underlay network, API server, N simulated
                           nodes (default 2) and the operator; returns when it is ready
          down             stop it and remove every namespace, interface and process it
                           made (also after a crash)
          status           what is running, and where
          kubeconfig       print the path of the kubeconfig for kubectl

        The sandbox needs root (network namespaces) and keeps its state in DIR
        (default /run/kvswitch-sandbox).""");
    return exit;
  }

  private static Optional<String> option(List<String> args, String name) {
    int i = args.indexOf(name);
    if (i < 0) {
      return Optional.empty();
    }
    if (i + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    String value = args.get(i + 1);
    args.remove(i + 1);
    args.remove(i);
    return Optional.of(value);
  }

  private int up(List<String> args) throws Exception {
    if (args.contains("--help")) {
      out.println("Usage: ./kvswitch sandbox up [--nodes N] [--dir DIR]");
      return 0;
    }
    int nodes = Integer.parseInt(option(args, "--nodes").orElse("2"));
    if (nodes < 1 || nodes > 250) {
      System.err.println("sandbox: --nodes must be 1-250");
      return 2;
    }
    if (!isRoot()) {
      System.err.println(
          "sandbox: the sandbox creates network namespaces and needs root: sudo ./kvswitch sandbox up");
      return 1;
    }
    Optional<SandboxState> existing = existing();
    if (existing.isPresent()) {
      if (supervisorAlive(existing.get())) {
        out.println("sandbox: already running; ./kvswitch sandbox status shows it");
        return 0;
      }
      out.println("sandbox: a previous sandbox did not stop cleanly; removing what it left");
      new Teardown(out).run(existing.get().record());
    }
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve("ready"));
    Path log = dir.resolve("supervisor.log");
    List<String> command = new ArrayList<>(List.of("setsid"));
    command.addAll(Supervisor.javaCommand());
    command.addAll(
        List.of(
            SandboxMain.class.getName(),
            "supervise",
            "--dir",
            dir.toString(),
            "--nodes",
            Integer.toString(nodes),
            "--id",
            newId(),
            "--crds",
            findCrds().toAbsolutePath().toString()));
    Process supervisor =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return awaitReady(supervisor, log);
  }

  /** Shows the supervisor's progress as it starts, and its log if it fails. */
  private int awaitReady(Process supervisor, Path log) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    int shown = 0;
    while (Instant.now().isBefore(deadline)) {
      List<String> lines =
          Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
      for (String line : lines.subList(Math.min(shown, lines.size()), lines.size())) {
        if (line.startsWith("sandbox: ")) {
          out.println(line);
        }
      }
      shown = lines.size();
      if (Files.exists(dir.resolve("ready"))) {
        out.println("sandbox: kubeconfig " + dir.resolve("kubeconfig"));
        return 0;
      }
      if (!supervisor.isAlive()) {
        System.err.println("sandbox: failed to start; the end of " + log + ":");
        lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(System.err::println);
        System.err.println("sandbox: ./kvswitch sandbox down removes whatever it made");
        return 1;
      }
      supervisor.waitFor(250, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    System.err.println("sandbox: not ready after " + START_TIMEOUT.toSeconds() + " s; see " + log);
    return 1;
  }

  private int supervise(List<String> args) throws Exception {
    int nodes = Integer.parseInt(option(args, "--nodes").orElse("2"));
    String id = option(args, "--id").orElseGet(SandboxMain::newId);
    Path crds =
        option(args, "--crds").map(Path::of).orElseGet(SandboxMain::findCrds).toAbsolutePath();
    new Supervisor(dir, new SandboxNames(id), crds, out).run(nodes);
    return 0;
  }

  private int down(List<String> args) throws Exception {
    Optional<SandboxState> state = existing();
    if (state.isEmpty()) {
      out.println("sandbox: nothing to remove (no state in " + dir + ")");
      return 0;
    }
    SandboxState.Record record = state.get().record();
    Optional<ProcessHandle> supervisor = ProcessHandle.of(record.supervisorPid);
    if (supervisor.isPresent() && supervisor.get().isAlive()) {
      out.println("sandbox: stopping the supervisor (pid " + record.supervisorPid + ")");
    }
    // Teardown stops the supervisor first; its own shutdown hook removes the rest, and running
    // the teardown here as well catches whatever a crashed supervisor left behind.
    new Teardown(out).run(record);
    Files.deleteIfExists(dir.resolve("ready"));
    Files.deleteIfExists(SandboxState.fileIn(dir));
    out.println("sandbox: down");
    return 0;
  }

  private int status(List<String> args) throws IOException {
    Optional<SandboxState> state = existing();
    if (state.isEmpty()) {
      out.println("sandbox: not running (no state in " + dir + ")");
      return 3;
    }
    SandboxState.Record record = state.get().record();
    out.println(
        "sandbox "
            + record.id
            + ": "
            + (supervisorAlive(state.get()) ? "running" : "NOT running (run down, then up)"));
    out.println("  API server   " + record.apiUrl);
    out.println("  kubeconfig   " + record.kubeconfig);
    out.println("  nodes        " + String.join(", ", record.nodes));
    for (Long pid : record.processes) {
      String what = Teardown.commandLine(pid).trim();
      String main = what.isEmpty() ? "(exited)" : what.substring(what.lastIndexOf(' ') + 1);
      out.println("  process " + pid + "  " + main);
    }
    return supervisorAlive(state.get()) ? 0 : 1;
  }

  private int kubeconfig(List<String> args) throws IOException {
    Optional<SandboxState> state = existing();
    if (state.isEmpty() || state.get().record().kubeconfig == null) {
      System.err.println("sandbox: not running; start it with ./kvswitch sandbox up");
      return 1;
    }
    out.println(state.get().record().kubeconfig);
    return 0;
  }

  private Optional<SandboxState> existing() throws IOException {
    return Files.exists(SandboxState.fileIn(dir))
        ? Optional.of(SandboxState.load(dir))
        : Optional.empty();
  }

  private static boolean supervisorAlive(SandboxState state) {
    return ProcessHandle.of(state.record().supervisorPid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** crds/manifests of this checkout, looked for from the working directory upwards. */
  static Path findCrds() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("crds/manifests");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "crds/manifests not found from "
            + Path.of("").toAbsolutePath()
            + "; run from the checkout");
  }

  private static String newId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      id.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  private static boolean isRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[2].equals("0");
      }
    }
    return false;
  }
}
