package io.kvswitch.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator Deployment: replicas, hardening, probes and the contract's environment. */
class OperatorDeploymentTest {

  private static final String OPERATOR = "kvswitch-operator";

  @Test
  void runsTwoReplicasWithLeaderElection() {
    Deployment deployment = deployment(Map.of());

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(KvswitchChart.NAMESPACE);
    assertThat(env(deployment)).contains(new EnvVar("KVSWITCH_LEADER_ELECTION", "true", null));
  }

  @Test
  void podRunsAsNonRootWithTheRuntimeDefaultSeccompProfile() {
    PodSpec pod = deployment(Map.of()).getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext())
        .isEqualTo(
            new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(65532L)
                .withRunAsGroup(65532L)
                .withFsGroup(65532L)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build());
  }

  @Test
  void containerHasAReadOnlyRootNoPrivilegeEscalationAndNoCapabilities() {
    Container operator = container(deployment(Map.of()));

    assertThat(operator.getSecurityContext())
        .isEqualTo(
            new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build());
    // A read-only root still needs somewhere for the JVM's temporary files.
    assertThat(operator.getVolumeMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
  }

  @Test
  void probesCheckHealthzAndReadyzOnTheHealthPort() {
    Container operator = container(deployment(Map.of()));

    assertThat(operator.getPorts()).containsExactly(port("metrics", 8080), port("health", 8081));
    assertHttpProbe(operator.getLivenessProbe(), "/healthz");
    assertHttpProbe(operator.getStartupProbe(), "/healthz");
    assertHttpProbe(operator.getReadinessProbe(), "/readyz");
  }

  @Test
  void passesTheContractsEnvironmentWithDefaults() {
    assertThat(env(deployment(Map.of())))
        .containsExactly(
            new EnvVarBuilder()
                .withName("KVSWITCH_NAMESPACE")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.namespace")
                .endFieldRef()
                .endValueFrom()
                .build(),
            new EnvVar("KVSWITCH_DATAPLANE_IMAGE", "ghcr.io/kvswitch/dataplane:0.1.0", null),
            new EnvVar("KVSWITCH_DATAPLANE_IMAGE_PULL_POLICY", "IfNotPresent", null),
            new EnvVar("KVSWITCH_AGENT_CLUSTER_ROLE", "kvswitch-agent", null),
            new EnvVar("KVSWITCH_LEADER_ELECTION", "true", null),
            new EnvVar("KVSWITCH_METRICS_PORT", "8080", null),
            new EnvVar("KVSWITCH_HEALTH_PORT", "8081", null),
            new EnvVar("KVSWITCH_LOG_LEVEL", "info", null),
            new EnvVar(
                "JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError", null));
    assertThat(container(deployment(Map.of())).getImage())
        .isEqualTo("ghcr.io/kvswitch/operator:0.1.0");
  }

  @Test
  void valueOverridesReachTheDeployment() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("operator.image.repository", "registry.example.com/net/kvswitch-operator");
    values.put("operator.image.tag", "0.1.1");
    values.put("operator.image.pullPolicy", "Always");
    values.put("dataplane.image.repository", "registry.example.com/net/kvswitch-dataplane");
    values.put("dataplane.image.tag", "0.1.1-rc1");
    values.put("dataplane.image.pullPolicy", "Always");
    values.put("operator.replicas", 3);
    values.put("operator.logLevel", "debug");
    values.put("operator.metricsPort", 9090);
    values.put("operator.healthPort", 9091);
    values.put("operator.resources.limits.memory", "1Gi");
    values.put("operator.nodeSelector.node-role\\.kubernetes\\.io/control-plane", "");

    Deployment deployment = deployment(values);
    Container operator = container(deployment);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(operator.getImage()).isEqualTo("registry.example.com/net/kvswitch-operator:0.1.1");
    assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
    assertThat(env(deployment))
        .contains(
            new EnvVar(
                "KVSWITCH_DATAPLANE_IMAGE",
                "registry.example.com/net/kvswitch-dataplane:0.1.1-rc1",
                null),
            new EnvVar("KVSWITCH_DATAPLANE_IMAGE_PULL_POLICY", "Always", null),
            new EnvVar("KVSWITCH_LOG_LEVEL", "debug", null),
            new EnvVar("KVSWITCH_METRICS_PORT", "9090", null),
            new EnvVar("KVSWITCH_HEALTH_PORT", "9091", null));
    assertThat(operator.getPorts()).containsExactly(port("metrics", 9090), port("health", 9091));
    assertThat(operator.getResources().getLimits().get("memory").toString()).isEqualTo("1Gi");
    assertThat(deployment.getSpec().getTemplate().getSpec().getNodeSelector())
        .containsExactly(Map.entry("node-role.kubernetes.io/control-plane", ""));
  }

  @Test
  void aDigestPinsTheImagesInsteadOfTheTag() {
    String digest = "sha256:" + "ab".repeat(32);
    Deployment deployment =
        deployment(
            Map.of(
                "operator.image.digest", digest,
                "dataplane.image.digest", digest,
                "dataplane.image.tag", "ignored"));

    assertThat(container(deployment).getImage()).isEqualTo("ghcr.io/kvswitch/operator@" + digest);
    assertThat(env(deployment))
        .contains(
            new EnvVar("KVSWITCH_DATAPLANE_IMAGE", "ghcr.io/kvswitch/dataplane@" + digest, null));
  }

  @Test
  void replicasPreferDifferentNodesUnlessAffinityIsGiven() {
    PodSpec defaults = deployment(Map.of()).getSpec().getTemplate().getSpec();
    assertThat(
            defaults
                .getAffinity()
                .getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            term -> {
              assertThat(term.getPodAffinityTerm().getTopologyKey())
                  .isEqualTo("kubernetes.io/hostname");
              assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                  .isEqualTo(deployment(Map.of()).getSpec().getSelector().getMatchLabels());
            });

    PodSpec custom =
        deployment(
                Map.of(
                    "operator.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                        + ".nodeSelectorTerms[0].matchExpressions[0].key",
                    "kvswitch.io/control",
                    "operator.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                        + ".nodeSelectorTerms[0].matchExpressions[0].operator",
                    "Exists"))
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(custom.getAffinity().getPodAntiAffinity()).isNull();
    assertThat(
            custom
                .getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .getFirst()
                .getMatchExpressions()
                .getFirst()
                .getKey())
        .isEqualTo("kvswitch.io/control");
  }

  @Test
  void aSingleReplicaMayRunWithoutLeaderElection() {
    Deployment deployment =
        deployment(Map.of("operator.replicas", 1, "operator.leaderElection", false));

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(env(deployment)).contains(new EnvVar("KVSWITCH_LEADER_ELECTION", "false", null));
  }

  @Test
  void severalReplicasWithoutLeaderElectionAreRefused() {
    assertThat(KvswitchChart.renderError(Map.of("operator.leaderElection", false)))
        .contains(
            "operator.replicas is 2 but operator.leaderElection is false: replicas would"
                + " reconcile the same resources against each other.");
  }

  private static Deployment deployment(Map<String, ?> values) {
    return KvswitchChart.render(values).one(Deployment.class, OPERATOR);
  }

  private static Container container(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    return containers.getFirst();
  }

  private static List<EnvVar> env(Deployment deployment) {
    return container(deployment).getEnv();
  }

  private static ContainerPort port(String name, int number) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(number)
        .withProtocol("TCP")
        .build();
  }

  private static void assertHttpProbe(Probe probe, String path) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("health");
  }
}
