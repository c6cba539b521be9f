package io.kvswitch.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.kvswitch.api.v1alpha1.SwitchNodeCounters;
import io.kvswitch.api.v1alpha1.SwitchNodeState;
import io.kvswitch.api.v1alpha1.SwitchNodeStateStatus;
import io.kvswitch.operator.metrics.OperatorMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The operator running against fabric8's mock API server in CRUD mode, with the project's CRDs
 * registered first, as a cluster would have them from the chart. The mock server has no server-side
 * apply and no garbage collector, so the operator runs with server-side apply off and tests check
 * owner references rather than cascading deletion.
 */
public final class MockCluster implements AutoCloseable {

  public static final String NAMESPACE = "kvswitch-system";
  public static final String IMAGE = "registry.example/kvswitch/dataplane:test";
  public static final OperatorConfig CONFIG =
      new OperatorConfig(NAMESPACE, IMAGE, "IfNotPresent", "kvswitch-agent", false, 0, 0, false);

  private final KubernetesClient client;
  private final OperatorMetrics metrics = new OperatorMetrics();
  private final Operator operator;

  private MockCluster(KubernetesClient client) {
    this.client = client;
    registerCrds(client);
    operator = KvswitchOperator.create(client, CONFIG, metrics, Clock.systemUTC());
    operator.start();
  }

  public static MockCluster start(KubernetesClient client) {
    return new MockCluster(client);
  }

  public KubernetesClient client() {
    return client;
  }

  public OperatorMetrics metrics() {
    return metrics;
  }

  /** What a node's agent does after applying its state: report the generation it realized. */
  public void realize(String stateName) {
    realize(stateName, status -> {});
  }

  public void realize(String stateName, Consumer<SwitchNodeStateStatus> more) {
    client
        .resources(SwitchNodeState.class)
        .withName(stateName)
        .editStatus(
            state -> {
              SwitchNodeStateStatus status = new SwitchNodeStateStatus();
              status.setRealizedGeneration(state.getMetadata().getGeneration());
              status.setCounters(new SwitchNodeCounters());
              more.accept(status);
              state.setStatus(status);
              return state;
            });
  }

  /** A node's state, failing as an assertion (so that a waiting test keeps waiting) if absent. */
  public SwitchNodeState state(String name) {
    SwitchNodeState state = client.resources(SwitchNodeState.class).withName(name).get();
    if (state == null || state.getSpec() == null) {
      throw new AssertionError("no SwitchNodeState " + name + " yet");
    }
    return state;
  }

  static void registerCrds(KubernetesClient client) {
    try (Stream<Path> files = Files.list(Path.of("../crds/manifests"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("network-attachment-definitions.k8s.cni.cncf.io")
                .endMetadata()
                .withNewSpec()
                .withGroup("k8s.cni.cncf.io")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("NetworkAttachmentDefinition")
                .withPlural("network-attachment-definitions")
                .withSingular("network-attachment-definition")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
