package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.e2e.testing.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sandbox up} builds the simulated cluster a user explores, and {@code sandbox down} removes
 * every namespace, interface and process it made.
 */
class SandboxLifecycleIT {

  @TempDir Path dir;
  private SandboxCommandLine sandbox;

  @BeforeEach
  void requirements() {
    sandbox = SandboxCommandLine.in(dir);
  }

  @AfterEach
  void down() throws Exception {
    sandbox.downIfUp();
  }

  @Test
  void upBuildsNodesAndRunsTheOperatorAndDownRemovesEverything() throws Exception {
    Command.Result up = sandbox.run("up", "--nodes", "2");
    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.stdout()).contains("sandbox: ready");
    SandboxState.Record state = SandboxState.load(dir).record();

    assertThat(Command.run(List.of("ip", "netns", "list"), null, 30).stdout())
        .contains(state.namespaces.toArray(String[]::new));
    Config config = Config.fromKubeconfig(Files.readString(Path.of(state.kubeconfig)));
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      assertThat(client.nodes().list().getItems())
          .extracting(Node::getMetadata)
          .extracting(m -> m.getName())
          .containsExactlyInAnyOrder("node-1", "node-2");
      for (String node : List.of("node-1", "node-2")) {
        String namespace = "kvs" + state.id + "-" + node;
        String address = "198.18.1." + node.substring(5);
        assertThat(
                Command.run(
                        List.of(
                            "ip", "netns", "exec", namespace, "ip", "-4", "addr", "show", "eth0"),
                        null,
                        30)
                    .stdout())
            .contains(address + "/16");
      }
      client.load(Files.newInputStream(Path.of("../crds/examples/01-virtualswitch.yaml"))).create();
      client
          .load(Files.newInputStream(Path.of("../crds/examples/02-vlannetwork-web.yaml")))
          .inNamespace("default")
          .create();

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .apps()
                              .daemonSets()
                              .inNamespace("kvswitch-system")
                              .list()
                              .getItems())
                      .extracting(d -> d.getMetadata().getName())
                      .containsExactly("kvswitch-fabric"));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                VirtualSwitch fabric =
                    client.resources(VirtualSwitch.class).withName("fabric").get();
                assertThat(fabric.getStatus()).isNotNull();
                assertThat(fabric.getStatus().getNodesDesired()).isEqualTo(2);
                VlanNetwork web =
                    client
                        .resources(VlanNetwork.class)
                        .inNamespace("default")
                        .withName("web")
                        .get();
                assertThat(web.getStatus()).isNotNull();
                assertThat(web.getStatus().getConditions())
                    .extracting(Condition::getType)
                    .contains("Ready");
              });
      // The kubelet stand-in runs the DaemonSet's pod on each node and reports it.
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(client.pods().inNamespace("kvswitch-system").list().getItems())
                      .extracting(pod -> pod.getSpec().getNodeName())
                      .containsExactlyInAnyOrder("node-1", "node-2"));
      // Those pods are the real agents, in the nodes' namespaces: they realize their node's
      // state, and the operator turns that into a Ready switch.
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                VirtualSwitch fabric =
                    client.resources(VirtualSwitch.class).withName("fabric").get();
                assertThat(fabric.getStatus().getNodesReady()).isEqualTo(2);
                assertThat(fabric.getStatus().getConditions())
                    .filteredOn(c -> c.getType().equals("Ready"))
                    .extracting(Condition::getStatus)
                    .containsExactly("True");
              });
    }

    Command.Result down = sandbox.run("down");

    assertThat(down.exitCode()).as(down.output()).isZero();
    String namespaces = Command.run(List.of("ip", "netns", "list"), null, 30).stdout();
    for (String namespace : state.namespaces) {
      assertThat(namespaces).doesNotContain(namespace);
    }
    assertThat(
            Command.run(List.of("ip", "link", "show", "kvs" + state.id + "-host"), null, 30)
                .exitCode())
        .isNotZero();
    assertThat(ProcessHandle.of(state.supervisorPid).map(ProcessHandle::isAlive))
        .isNotEqualTo(Optional.of(true));
    for (Long pid : state.processes) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }
    for (String entry : List.of("state.json", "kubeconfig", "logs", "nodes", "workloads")) {
      assertThat(dir.resolve(entry)).as("left behind by down: " + entry).doesNotExist();
    }
  }
}
