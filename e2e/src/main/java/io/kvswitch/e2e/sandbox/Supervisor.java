package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kvswitch.e2e.sandbox.api.SandboxApiServer;
import io.kvswitch.e2e.sandbox.net.Ip;
import io.kvswitch.e2e.sandbox.net.SandboxNames;
import io.kvswitch.e2e.sandbox.net.Underlay;
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

  Supervisor(Path dir, SandboxNames names, Path crds, PrintStream out) {
    this.dir = dir;
    this.names = names;
    this.crds = crds;
    this.out = out;
  }

  void run(int nodeCount) throws Exception {
    SandboxState state = SandboxState.create(dir, names.id());
    state.update(r -> r.supervisorPid = ProcessHandle.current().pid());
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<KubeletStandIn> kubelet = new AtomicReference<>();
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .unstarted(
                    () -> {
                      out.println("stopping: removing what the sandbox made");
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
        addNode(client, state, i);
      }
    }
    progress("starting the operator");
    startOperator(state, kubeconfig);
    progress("starting the kubelet stand-in (runs each node's DaemonSet pods)");
    kubelet.set(new KubeletStandIn(client, state, names, dir, kubeconfig));
    kubelet.get().start();
    Files.writeString(dir.resolve("ready"), url + "\n");
    progress("ready");
    stop.await();
    client.close();
    api.close();
  }

  private void addNode(KubernetesClient client, SandboxState state, int index) {
    String node = "node-" + index;
    String namespace = names.nodeNamespace(node);
    progress("creating node " + node + " (network namespace " + namespace + ")");
    state.namespace(namespace);
    Ip.run("netns", "add", namespace);
    String address = new Underlay(names).attachNode(namespace, index);
    state.node(node);
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(node)
                .addToLabels("kubernetes.io/hostname", node)
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kvswitch.io/sandbox", names.id())
                .endMetadata()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress(address)
                .endAddress()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .endCondition()
                .endStatus()
                .build())
        .create();
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
