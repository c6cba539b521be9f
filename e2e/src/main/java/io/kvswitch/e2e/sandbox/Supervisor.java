package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kvswitch.e2e.sandbox.api.SandboxApiServer;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import io.kvswitch.e2e.sandbox.net.Underlay;
import io.kvswitch.e2e.sandbox.workload.CniInvoker;
import io.kvswitch.e2e.sandbox.workload.WorkloadRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The long-running sandbox process: it builds the underlay, serves the API, creates the nodes, runs
 * the operator, says it is ready, and on stop removes everything it made.
 */
final class Supervisor {

  static final String SYSTEM_NAMESPACE = "kvswitch-system";
  static final int API_PORT = 6443;

  private final Path dir;
  private final SandboxNames names;
  private final Path crds;
  private final PrintStream out;
  private final List<String> cniPlugin;

  /**
   * @param cniPlugin the CNI plugin's command line: the packaged launcher, or a JVM running its
   *     class from this class path when the packaged one was not built
   */
  Supervisor(Path dir, SandboxNames names, Path crds, List<String> cniPlugin, PrintStream out) {
    this.dir = dir;
    this.names = names;
    this.crds = crds;
    this.cniPlugin = List.copyOf(cniPlugin);
    this.out = out;
  }

  void run(int nodeCount) throws Exception {
    SandboxState state = SandboxState.create(dir, names.id());
    state.update(r -> r.supervisorPid = ProcessHandle.current().pid());
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<KubeletStandIn> kubelet = new AtomicReference<>();
    AtomicReference<WorkloadRuntime> workloads = new AtomicReference<>();
    AtomicReference<SimulatedNodes> simulatedNodes = new AtomicReference<>();
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      out.println("stopping: removing what the sandbox made");
                      if (simulatedNodes.get() != null) {
                        simulatedNodes.get().close();
                      }
                      // Workloads first, so that their CNI DEL calls reach running agents.
                      if (workloads.get() != null) {
                        workloads.get().close();
                      }
                      if (kubelet.get() != null) {
                        kubelet.get().close();
                      }
                      new Teardown(out).run(state.record());
                      stop.countDown();
                    }));
    progress("creating the underlay network (198.18.0.0/16)");
    new Underlay(names).create(state);
    progress("starting the API server on " + Underlay.HOST_ADDRESS + ":" + API_PORT);
    InetAddress address = InetAddress.getByName(Underlay.HOST_ADDRESS);
    SandboxApiServer api = SandboxApiServer.start(address, API_PORT);
    String url = api.url(address);
    Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"), url);
    state.update(
        r -> {
          r.apiUrl = url;
          r.kubeconfig = kubeconfig.toString();
        });
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(url).build())
            .build();
    SimulatedNodes nodes = new SimulatedNodes(client, state, names, out);
    simulatedNodes.set(nodes);
    {
      progress("installing the kvswitch CRDs");
      for (Path crd : crdFiles()) {
        api.installCrds(crd);
      }
      // Multus installs this one on a real cluster.
      try (InputStream nad =
          Supervisor.class.getResourceAsStream("/sandbox/network-attachment-definitions.yaml")) {
        api.installCrds(nad);
      }
      for (String ns : List.of("default", SYSTEM_NAMESPACE)) {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      for (int i = 1; i <= nodeCount; i++) {
        nodes.create("node-" + i);
      }
    }
    progress("starting the operator");
    startOperator(state, kubeconfig);
    progress("starting the kubelet stand-in (runs each node's DaemonSet pods)");
    kubelet.set(new KubeletStandIn(client, state, names, dir, kubeconfig));
    kubelet.get().start();
    progress(
        "starting the workload runtime (pods and VMs: network namespaces attached with the CNI"
            + " plugin "
            + cniPlugin.getFirst()
            + ")");
    boolean udhcpc = onPath("busybox");
    if (!udhcpc) {
      progress(
          "busybox is not installed: workloads get no DHCP client (apt-get install -y busybox)");
    }
    workloads.set(
        new WorkloadRuntime(
            client,
            state,
            names,
            dir.resolve("workloads"),
            new CniInvoker(cniPlugin, dir.resolve("nodes")),
            udhcpc));
    workloads.get().start();
    nodes.start();
    new GarbageCollector(client).start();
    Files.writeString(dir.resolve("ready"), url + "\n");
    progress("ready");
    stop.await();
    client.close();
    api.close();
  }

  private void startOperator(SandboxState state, Path kubeconfig) throws IOException {
    List<String> command = new ArrayList<>(javaCommand());
    command.add("io.kvswitch.operator.OperatorMain");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("operator.log").toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("KVSWITCH_NAMESPACE", SYSTEM_NAMESPACE);
    builder.environment().put("KVSWITCH_LEADER_ELECTION", "false");
    builder.environment().put("KVSWITCH_METRICS_PORT", "0");
    builder.environment().put("KVSWITCH_HEALTH_PORT", "0");
    // The sandbox's API server is fabric8's mock server, which has no server-side apply.
    builder.environment().put("KVSWITCH_SERVER_SIDE_APPLY", "false");
    Process operator = builder.start();
    state.process(operator.pid());
  }

  /** The JVM and class path this process runs on, which carry the operator and the dataplane. */
  static List<String> javaCommand() {
    String java = ProcessHandle.current().info().command().orElse("java");
    // The operator and dataplane jars carry their own logback.xml; name the sandbox's.
    String logging = String.valueOf(Supervisor.class.getResource("/logback.xml"));
    return List.of(
        java,
        "--enable-native-access=ALL-UNNAMED",
        "-Dlogback.configurationFile=" + logging,
        "-cp",
        System.getProperty("java.class.path"));
  }

  private static boolean onPath(String program) {
    for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (Files.isExecutable(Path.of(folder, program))) {
        return true;
      }
    }
    return false;
  }

  private List<Path> crdFiles() throws IOException {
    try (Stream<Path> files = Files.list(crds)) {
      return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
    }
  }

  private void progress(String step) {
    out.println("sandbox: " + step);
    out.flush();
  }
}
