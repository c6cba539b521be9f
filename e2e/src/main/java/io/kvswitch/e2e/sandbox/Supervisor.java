package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.kvswitch.e2e.sandbox.api.SandboxApiServer;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import io.kvswitch.e2e.sandbox.net.TcpRelay;
import io.kvswitch.e2e.sandbox.net.Underlay;
import io.kvswitch.e2e.sandbox.workload.CniInvoker;
import io.kvswitch.e2e.sandbox.workload.WorkloadRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private final Path externalKubeconfig;

  /**
   * @param cniPlugin the CNI plugin's command line: the packaged launcher, or a JVM running its
   *     class from this class path when the packaged one was not built
   */
  Supervisor(Path dir, SandboxNames names, Path crds, List<String> cniPlugin, PrintStream out) {
    this(dir, names, crds, cniPlugin, null, out);
  }

  /**
   * @param externalKubeconfig an existing cluster's kubeconfig whose API server the sandbox uses
   *     instead of its own, or null
   */
  Supervisor(
      Path dir,
      SandboxNames names,
      Path crds,
      List<String> cniPlugin,
      Path externalKubeconfig,
      PrintStream out) {
    this.externalKubeconfig = externalKubeconfig;
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
    ExternalCluster external = null;
    if (externalKubeconfig != null) {
      external = ExternalCluster.read(externalKubeconfig);
      progress("using the existing cluster's API server " + external.serverUrl());
      external.checkReachable();
      String server = external.serverUrl();
      String file = external.file().toString();
      state.update(
          r -> {
            r.externalServer = server;
            r.externalKubeconfig = file;
          });
    }
    progress("creating the underlay network (198.18.0.0/16)");
    new Underlay(names).create(state);
    InetAddress address = InetAddress.getByName(Underlay.HOST_ADDRESS);
    SandboxApiServer api = null;
    TcpRelay relay = null;
    String url;
    Path kubeconfig;
    KubernetesClient client;
    if (external == null) {
      progress("starting the API server on " + Underlay.HOST_ADDRESS + ":" + API_PORT);
      api = SandboxApiServer.start(address, API_PORT);
      url = api.url(address);
      kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"), url);
      client =
          new KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(url).build())
              .build();
    } else {
      progress(
          "relaying "
              + Underlay.HOST_ADDRESS
              + ":"
              + API_PORT
              + " to "
              + external.serverUrl()
              + " (the nodes reach the host only on the underlay)");
      InetSocketAddress target =
          new InetSocketAddress(external.address().getHostString(), external.address().getPort());
      relay = TcpRelay.start(new InetSocketAddress(address, API_PORT), target);
      url =
          URI.create(external.serverUrl()).getScheme()
              + "://"
              + Underlay.HOST_ADDRESS
              + ":"
              + API_PORT;
      kubeconfig = external.writeSandboxKubeconfig(dir.resolve("kubeconfig"), url);
      client = external.client();
    }
    String apiUrl = url;
    Path sandboxKubeconfig = kubeconfig;
    state.update(
        r -> {
          r.apiUrl = apiUrl;
          r.kubeconfig = sandboxKubeconfig.toString();
        });
    SimulatedNodes nodes = new SimulatedNodes(client, state, names, out);
    simulatedNodes.set(nodes);
    {
      progress("installing the kvswitch CRDs");
      List<HasMetadata> crdItems = new ArrayList<>();
      for (Path crd : crdFiles()) {
        try (InputStream in = Files.newInputStream(crd)) {
          crdItems.addAll(client.load(in).items());
        }
      }
      // Multus installs this one on a real cluster.
      try (InputStream nad =
          Supervisor.class.getResourceAsStream("/sandbox/network-attachment-definitions.yaml")) {
        crdItems.addAll(client.load(nad).items());
      }
      for (HasMetadata crd : crdItems) {
        if (external == null) {
          client.resource(crd).createOr(NonDeletingOperation::update);
        } else {
          createIfAbsent(client, state, crd);
        }
      }
      for (String ns : List.of("default", SYSTEM_NAMESPACE)) {
        Namespace namespace =
            new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build();
        if (external == null) {
          client.namespaces().resource(namespace).create();
        } else {
          createIfAbsent(client, state, namespace);
        }
      }
      for (int i = 1; i <= nodeCount; i++) {
        nodes.create("node-" + i);
      }
    }
    progress("starting the operator");
    // The operator runs on the host: with an existing cluster it uses the user's kubeconfig as
    // given (exec plugins and all), and server-side apply where that API server has it.
    startOperator(
        state,
        external == null ? kubeconfig : external.file(),
        external != null && supportsServerSideApply(client, names.id()));
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
    if (external == null) {
      // A real API server collects its own garbage.
      new GarbageCollector(client).start();
    }
    Files.writeString(dir.resolve("ready"), url + "\n");
    progress("ready");
    stop.await();
    client.close();
    if (api != null) {
      api.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  /**
   * Creates an object in an existing cluster unless it is there already (then it is not the
   * sandbox's and stays as it is): labelled with the sandbox's id and recorded before it is made.
   */
  private static void createIfAbsent(
      KubernetesClient client, SandboxState state, HasMetadata item) {
    if (client.resource(item).get() != null) {
      return;
    }
    Map<String, String> labels =
        new HashMap<>(
            item.getMetadata().getLabels() == null ? Map.of() : item.getMetadata().getLabels());
    labels.put(SimulatedNodes.SANDBOX_LABEL, state.record().id);
    item.getMetadata().setLabels(labels);
    state.clusterObject(
        item.getApiVersion(),
        item.getKind(),
        item.getMetadata().getNamespace(),
        item.getMetadata().getName());
    client.resource(item).create();
  }

  /**
   * Whether the API server takes server-side apply, asked with a dry run (nothing is stored). A
   * server that answers with an error, or stores the object anyway, does not.
   */
  private static boolean supportsServerSideApply(KubernetesClient client, String id) {
    String name = "kvswitch-sandbox-" + id + "-apply-probe";
    ConfigMap probe =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("default")
            .addToLabels(SimulatedNodes.SANDBOX_LABEL, id)
            .endMetadata()
            .build();
    boolean answered;
    try {
      client
          .resource(probe)
          .dryRun()
          .fieldManager("kvswitch-sandbox")
          .forceConflicts()
          .serverSideApply();
      answered = true;
    } catch (RuntimeException e) {
      answered = false;
    }
    ConfigMap stored = client.configMaps().inNamespace("default").withName(name).get();
    if (stored != null) {
      client.resource(stored).delete();
      return false;
    }
    return answered;
  }

  private void startOperator(SandboxState state, Path kubeconfig, boolean serverSideApply)
      throws IOException {
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
    // The sandbox's own API server is fabric8's mock server, which has no server-side apply.
    builder.environment().put("KVSWITCH_SERVER_SIDE_APPLY", Boolean.toString(serverSideApply));
    progress("the operator uses server-side apply: " + serverSideApply);
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
