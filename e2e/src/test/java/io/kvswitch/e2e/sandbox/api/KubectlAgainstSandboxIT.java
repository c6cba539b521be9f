package io.kvswitch.e2e.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvswitch.e2e.testing.Command;
import io.kvswitch.e2e.testing.RequiredTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user does with kubectl against the sandbox works as on a real cluster. */
class KubectlAgainstSandboxIT {

  private static final Path EXAMPLES = Path.of("../crds/examples").toAbsolutePath().normalize();

  @TempDir Path home;
  private SandboxApiServer server;
  private Path kubectl;
  private Path kubeconfig;

  @BeforeEach
  void start() throws Exception {
    kubectl =
        RequiredTool.require(
            "kubectl", "the sandbox is driven with kubectl; install kubectl v1.30 or newer");
    server = SandboxApiServer.start(0);
    kubeconfig = server.writeKubeconfig(home.resolve("kubeconfig"));
    Command.Result crds =
        kubectl("apply", "-f", Path.of("../crds/manifests").toAbsolutePath().toString());
    assertThat(crds.exitCode()).as(crds.output()).isZero();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Command.Result kubectl(String... args) throws Exception {
    return kubectlWithInput(null, args);
  }

  private Command.Result kubectlWithInput(String stdin, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(Arrays.asList(args));
    return Command.run(command, stdin, 60);
  }

  @Test
  void applyGetAndDeleteTheExamples() throws Exception {
    Command.Result applied = kubectl("apply", "-f", EXAMPLES.toString());

    assertThat(applied.exitCode()).as(applied.output()).isZero();
    assertThat(applied.stdout().lines())
        .containsExactly(
            "virtualswitch.kvswitch.io/fabric created",
            "vlannetwork.kvswitch.io/web created",
            "vlannetwork.kvswitch.io/db created",
            "mirrorsession.kvswitch.io/web-tap created");

    Command.Result listed = kubectl("get", "vsw,vlan,mirror", "-A");
    assertThat(listed.exitCode()).as(listed.output()).isZero();
    List<List<String>> rows =
        listed
            .stdout()
            .lines()
            .filter(l -> !l.isBlank())
            .map(l -> List.of(l.trim().split("\\s+")))
            .toList();
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("NAMESPACE", "NAME"));
    assertThat(rows)
        .anySatisfy(r -> assertThat(r).contains("virtualswitch.kvswitch.io/fabric", "1450"));
    assertThat(rows)
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains(
                        "default", "vlannetwork.kvswitch.io/web", "10.10.0.0/24", "fabric", "100"));
    assertThat(rows)
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains(
                        "default", "vlannetwork.kvswitch.io/db", "10.20.0.0/24", "fabric", "200"));
    assertThat(rows)
        .anySatisfy(
            r -> assertThat(r).contains("default", "mirrorsession.kvswitch.io/web-tap", "true"));

    Command.Result unchanged =
        kubectl("apply", "-f", EXAMPLES.resolve("02-vlannetwork-web.yaml").toString());
    assertThat(unchanged.stdout().trim()).isEqualTo("vlannetwork.kvswitch.io/web unchanged");

    Command.Result deleted = kubectl("delete", "-f", EXAMPLES.toString());
    assertThat(deleted.exitCode()).as(deleted.output()).isZero();
    Command.Result empty = kubectl("get", "vsw,vlan,mirror", "-A");
    assertThat(empty.output()).contains("No resources found");
  }

  @Test
  void badInputIsRefusedWithEveryMistakeNamed() throws Exception {
    String bad =
        """
        apiVersion: kvswitch.io/v1alpha1
        kind: VlanNetwork
        metadata: {name: bad, namespace: default}
        spec:
          switch: fabric
          vlanId: 5000
          subnet: 10.0.0.0/24
          gateway: 10.1.0.1
          vlan: 3
        """;

    Command.Result refused = kubectlWithInput(bad, "apply", "-f", "-");

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr())
        .contains("The VlanNetwork \"bad\" is invalid")
        .contains("spec.vlanId: must have a maximum value of 4094")
        .contains("spec.gateway: gateway must lie inside subnet")
        .contains("spec.vlan: unknown field \"vlan\"");
    assertThat(kubectl("get", "vlan", "bad").exitCode()).isEqualTo(1);
  }

  @Test
  void patchesAreValidatedLikeUpdates() throws Exception {
    assertThat(
            kubectl("apply", "-f", EXAMPLES.resolve("02-vlannetwork-web.yaml").toString())
                .exitCode())
        .isZero();

    Command.Result renumbered =
        kubectl("patch", "vlan", "web", "--type", "merge", "-p", "{\"spec\":{\"vlanId\":101}}");
    Command.Result moved =
        kubectl(
            "patch",
            "vlan",
            "web",
            "--type",
            "json",
            "-p",
            "[{\"op\":\"replace\",\"path\":\"/spec/switch\",\"value\":\"other\"}]");
    Command.Result read =
        kubectl(
            "get",
            "vlan",
            "web",
            "-o",
            "jsonpath={.spec.switch} {.spec.vlanId} {.metadata.generation}");

    assertThat(renumbered.stdout().trim()).isEqualTo("vlannetwork.kvswitch.io/web patched");
    assertThat(moved.exitCode()).isEqualTo(1);
    assertThat(moved.stderr()).contains("spec.switch: switch cannot be changed");
    assertThat(read.stdout()).isEqualTo("fabric 101 2");
  }

  @Test
  void kubeconfigIsWrittenForTheUser() throws Exception {
    assertThat(Files.readString(kubeconfig))
        .contains("server: \"" + server.url() + "\"")
        .contains("current-context: \"kvswitch-sandbox\"");
    assertThat(
            kubectl("config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}")
                .stdout())
        .isEqualTo("default");
  }
}
