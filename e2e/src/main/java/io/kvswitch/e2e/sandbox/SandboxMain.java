package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kvswitch.e2e.sandbox.api.SandboxApiServer;
import io.kvswitch.e2e.sandbox.api.ServingCertificates;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import io.kvswitch.e2e.sandbox.net.TcpRelay;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
    // The operator and dataplane jars carry a logback.xml of their own; without naming the
    // sandbox's, logback reports the clash on stdout, where verbs print their results.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty(
          "logback.configurationFile",
          String.valueOf(SandboxMain.class.getResource("/logback.xml")));
    }
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
      case "pod" -> withClient(verb, rest, this::pod);
      case "vm" -> withClient(verb, rest, this::vm);
      case "exec" -> withClient(verb, rest, (verbs, args) -> verbs.exec(args));
      case "demo" -> withClient(verb, rest, this::demo);
      case "node" -> node(rest);
      case "api-server" -> apiServer(rest);
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
          node add|del NAME
                           add a simulated node (namespace, underlay, Node object) or
                           remove one that runs no workloads
          pod add NAME --node NODE --network NS/NET [--mac M] [--labels k=v,...]
                           a pod: network namespace attached with the CNI plugin,
                           DHCP client in it; prints interface, MAC and lease
          pod del NAME     detach it and remove its namespace
          vm add NAME ...  as pod add, with a fixed MAC (a KubeVirt launcher pod)
          vm migrate NAME --to NODE
                           live-migrate: target attached first, source stopped, the VM
                           announces itself (gratuitous ARP) from the target
          vm del NAME      as pod del
          exec NAME -- CMD...
                           run CMD inside the workload's network namespace
          demo             what up shows: pods web-1 and web-2 on two nodes, their
                           leases and a ping between them (after crds/examples)

        The sandbox needs root (network namespaces) and keeps its state in DIR
        (default /run/kvswitch-sandbox). Every verb takes --help.""");
    return exit;
  }

  /** A workload verb, run with a client of the running sandbox's API server. */
  @FunctionalInterface
  private interface ClientVerb {
    int run(WorkloadVerbs verbs, List<String> args) throws Exception;
  }

  private int withClient(String verb, List<String> args, ClientVerb action) throws Exception {
    boolean help = args.contains("--help") || args.contains("-h");
    Optional<SandboxState> state = existing();
    if (state.isEmpty() || !supervisorAlive(state.get())) {
      if (help) {
        return action.run(new WorkloadVerbs(null, out, System.err), args);
      }
      System.err.println("sandbox: not running; start it with ./kvswitch sandbox up");
      return 1;
    }
    try (KubernetesClient client = client(state.get())) {
      return action.run(new WorkloadVerbs(client, state.get(), out, System.err), args);
    } catch (VerbArguments.UsageException | IllegalArgumentException e) {
      System.err.println("sandbox " + verb + ": " + e.getMessage() + " (see --help)");
      return 2;
    }
  }

  /**
   * A client for the verbs. They run on the host, so with an existing cluster they use the user's
   * kubeconfig as the operator does, not the relay's: fabric8 does not read the {@code
   * tls-server-name} that the sandbox's kubeconfig needs against an https server.
   */
  private static KubernetesClient client(SandboxState state) throws IOException {
    SandboxState.Record record = state.record();
    if (record.external()) {
      return ExternalCluster.read(Path.of(record.externalKubeconfig)).client();
    }
    Config config = Config.fromKubeconfig(Files.readString(Path.of(record.kubeconfig)));
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private int demo(WorkloadVerbs verbs, List<String> args) throws Exception {
    if (args.contains("--help") || args.contains("-h")) {
      out.println(
          """
          Usage: ./kvswitch sandbox demo
            What up shows after applying crds/examples: pods web-1 and web-2 on VLAN web on two
            nodes, their DHCP leases, and a ping from one to the other.""");
      return 0;
    }
    return new Demo(verbs.client(), verbs, out).run();
  }

  private int pod(WorkloadVerbs verbs, List<String> args) throws Exception {
    return workloadVerb("pod", verbs, args);
  }

  private int vm(WorkloadVerbs verbs, List<String> args) throws Exception {
    if (!args.isEmpty() && args.getFirst().equals("migrate")) {
      return verbs.migrate(args.subList(1, args.size()));
    }
    return workloadVerb("vm", verbs, args);
  }

  private int workloadVerb(String kind, WorkloadVerbs verbs, List<String> args) throws Exception {
    String action = args.isEmpty() ? "--help" : args.getFirst();
    List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
    return switch (action) {
      case "add" -> verbs.add(rest, kind);
      case "del", "delete" -> verbs.delete(rest);
      case "--help", "-h", "help" -> {
        out.println(kind.equals("vm") ? WorkloadVerbs.VM_ADD_USAGE : WorkloadVerbs.POD_ADD_USAGE);
        out.println(WorkloadVerbs.DEL_USAGE);
        if (kind.equals("vm")) {
          out.println(WorkloadVerbs.MIGRATE_USAGE);
        }
        yield 0;
      }
      default -> {
        System.err.println(
            "sandbox "
                + kind
                + ": unknown action '"
                + action
                + "'; use add, del"
                + (kind.equals("vm") ? ", migrate" : ""));
        yield 2;
      }
    };
  }

  private int node(List<String> args) throws Exception {
    boolean help = args.isEmpty() || args.contains("--help") || args.contains("-h");
    if (help) {
      out.println(NodeVerbs.USAGE);
      return 0;
    }
    Optional<SandboxState> state = existing();
    if (state.isEmpty() || !supervisorAlive(state.get())) {
      System.err.println("sandbox: not running; start it with ./kvswitch sandbox up");
      return 1;
    }
    try (KubernetesClient client = client(state.get())) {
      NodeVerbs verbs = new NodeVerbs(client, state.get(), out, System.err);
      return switch (args.getFirst()) {
        case "add" -> verbs.add(args.subList(1, args.size()));
        case "del", "delete" -> verbs.delete(args.subList(1, args.size()));
        default -> {
          System.err.println(
              "sandbox node: unknown action '" + args.getFirst() + "'; use add, del");
          yield 2;
        }
      };
    } catch (VerbArguments.UsageException e) {
      System.err.println("sandbox node: " + e.getMessage() + " (see --help)");
      return 2;
    }
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
      out.println(
          """
          Usage: ./kvswitch sandbox up [--nodes N] [--dir DIR] [--kubeconfig FILE]

            --kubeconfig FILE   use the API server of an existing cluster (FILE's current
                                context) instead of the sandbox's own: nodes, CRDs and pods
                                the sandbox makes there are labelled kvswitch.io/sandbox=ID
                                and deleted again by down
            --apiserver-binaries [DIR]
                                run etcd and kube-apiserver from DIR (or PATH): not
                                supported yet""");
      return 0;
    }
    Optional<Path> externalKubeconfig =
        option(args, "--kubeconfig").map(Path::of).map(Path::toAbsolutePath);
    int binaries = args.indexOf("--apiserver-binaries");
    if (binaries >= 0) {
      // Without a folder, PATH is searched.
      Optional<Path> folder =
          binaries + 1 < args.size() && !args.get(binaries + 1).startsWith("--")
              ? Optional.of(Path.of(args.get(binaries + 1)))
              : Optional.empty();
      System.err.println(ApiServerBinaries.describe(folder));
      return 2;
    }
    if (externalKubeconfig.isPresent()) {
      try {
        ExternalCluster.read(externalKubeconfig.get()).checkReachable();
      } catch (IOException | RuntimeException e) {
        System.err.println("sandbox: " + e.getMessage());
        return 1;
      }
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
    externalKubeconfig.ifPresent(file -> command.addAll(List.of("--kubeconfig", file.toString())));
    findCniPlugin()
        .ifPresentOrElse(
            plugin -> command.addAll(List.of("--cni-plugin", plugin.toString())),
            () ->
                out.println(
                    "sandbox: the packaged CNI plugin (dataplane/target/cni/bin/kvswitch) is not"
                        + " built; workloads use the plugin class on the class path instead"));
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
    List<String> plugin =
        option(args, "--cni-plugin")
            .map(List::of)
            .orElseGet(
                () -> {
                  List<String> java = new ArrayList<>(Supervisor.javaCommand());
                  java.add("io.kvswitch.dataplane.cni.CniPlugin");
                  return java;
                });
    Path externalKubeconfig = option(args, "--kubeconfig").map(Path::of).orElse(null);
    new Supervisor(dir, new SandboxNames(id), crds, plugin, externalKubeconfig, out).run(nodes);
    return 0;
  }

  private int down(List<String> args) throws Exception {
    Optional<SandboxState> state = existing();
    if (state.isEmpty()) {
      out.println("sandbox: nothing running (no state in " + dir + ")");
      if (Files.isDirectory(dir)) {
        List<String> leftovers = SandboxFiles.removeFrom(dir);
        if (!leftovers.isEmpty()) {
          out.println("sandbox: removed leftover " + String.join(", ", leftovers) + " from " + dir);
        }
      }
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
    List<String> removed = SandboxFiles.removeFrom(dir);
    out.println("sandbox: removed " + String.join(", ", removed) + " from " + dir);
    out.println("sandbox: down");
    return 0;
  }

  /**
   * Not listed in the usage: serves the sandbox's API server alone, a stand-in for "an existing
   * cluster" in tests and benchmarks ({@code api-server --listen HOST:PORT --kubeconfig-out FILE
   * [--tls]}); it runs until stopped. Like a real cluster it runs a DaemonSet controller ({@link
   * DaemonSetController}). With {@code --tls} it serves https as kind and k3d do: a certificate
   * authority made at start signs a certificate for {@code localhost} only, the kubeconfig names
   * the server {@code https://localhost:PORT} and carries the authority.
   */
  private int apiServer(List<String> args) throws Exception {
    String listen = option(args, "--listen").orElse("127.0.0.1:0");
    boolean tls = args.remove("--tls");
    Path kubeconfig =
        option(args, "--kubeconfig-out")
            .map(Path::of)
            .orElseThrow(() -> new IllegalArgumentException("api-server needs --kubeconfig-out"));
    int colon = listen.lastIndexOf(':');
    InetAddress host = InetAddress.getByName(listen.substring(0, colon));
    int port = Integer.parseInt(listen.substring(colon + 1));
    SandboxApiServer server = SandboxApiServer.start(host, tls ? 0 : port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    String url = server.url(host);
    if (tls) {
      ServingCertificates certificates =
          ServingCertificates.create("kvswitch-test-cluster-ca", List.of("localhost"));
      TcpRelay front =
          TcpRelay.startTerminatingTls(
              new InetSocketAddress(host, port),
              new InetSocketAddress(host, server.port()),
              SslContextBuilder.forServer(certificates.key(), certificates.certificate()).build());
      Runtime.getRuntime().addShutdownHook(new Thread(front::close));
      url = "https://localhost:" + front.port();
      server.writeKubeconfig(kubeconfig, url, certificates.authorityPem());
    } else {
      server.writeKubeconfig(kubeconfig, url);
    }
    DaemonSetController controller = new DaemonSetController(server.client());
    controller.start();
    out.println("sandbox: API server at " + url + ", kubeconfig " + kubeconfig);
    out.flush();
    Thread.currentThread().join();
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
    out.println(
        "  API server   "
            + record.apiUrl
            + (record.external()
                ? " (relay to the existing cluster's " + record.externalServer + ")"
                : " (the sandbox's own)"));
    out.println("  kubeconfig   " + record.kubeconfig);
    out.println("  nodes        " + String.join(", ", record.nodes));
    if (supervisorAlive(state.get())) {
      try (KubernetesClient client = client(state.get())) {
        List<String> workloads = new WorkloadVerbs(client, out, System.err).summary();
        out.println("  workloads    " + (workloads.isEmpty() ? "none" : ""));
        workloads.forEach(line -> out.println("    " + line));
      } catch (RuntimeException e) {
        out.println("  workloads    (the API server does not answer: " + e.getMessage() + ")");
      }
    }
    for (Long pid : record.processes) {
      String what = Teardown.commandLine(pid).trim();
      if (what.isEmpty()) {
        continue;
      }
      String main =
          what.isEmpty()
              ? "(exited)"
              : what.contains("io.kvswitch")
                  ? what.substring(what.lastIndexOf(' ') + 1)
                  : what.substring(0, Math.min(what.length(), 60));
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

  /** The CNI plugin the dataplane build packages, as a node would have it installed. */
  static Optional<Path> findCniPlugin() {
    Path checkout = findCrds().getParent().getParent();
    Path plugin = checkout.resolve("dataplane/target/cni/bin/kvswitch");
    return Files.isExecutable(plugin) ? Optional.of(plugin) : Optional.empty();
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
