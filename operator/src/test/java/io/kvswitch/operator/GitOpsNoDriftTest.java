package io.kvswitch.operator;

import static io.kvswitch.operator.compiler.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What Argo CD and Flux rely on: after the operator has reconciled the examples, every custom
 * resource's spec and metadata are exactly what was applied (the same labels, annotations and
 * generation, no finalizer, no owner), so a GitOps tool sees no drift. The operator writes status
 * only.
 */
@EnableKubernetesMockClient(crud = true)
class GitOpsNoDriftTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final Path EXAMPLES = Path.of("../crds/examples");

  KubernetesClient client;

  @Test
  void theOperatorWritesStatusAndNothingElse() throws Exception {
    try (MockCluster cluster = MockCluster.start(client)) {
      cluster.client().resource(node("n1", "192.168.0.1")).create();
      List<GenericKubernetesResource> applied = new ArrayList<>();
      for (String file :
          List.of(
              "01-virtualswitch.yaml",
              "02-vlannetwork-web.yaml",
              "03-vlannetwork-db.yaml",
              "04-mirrorsession.yaml")) {
        try (InputStream in = Files.newInputStream(EXAMPLES.resolve(file))) {
          GenericKubernetesResource resource = JSON.unmarshal(in, GenericKubernetesResource.class);
          if (!resource.getKind().equals("VirtualSwitch")) {
            resource.getMetadata().setNamespace("default");
          }
          // What a GitOps tool adds to track what it applied.
          resource.getMetadata().setLabels(Map.of("app.kubernetes.io/instance", "network-config"));
          resource
              .getMetadata()
              .setAnnotations(
                  Map.of("argocd.argoproj.io/tracking-id", "network-config:" + resource.getKind()));
          applied.add(client.resource(resource).create());
        }
      }

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                for (GenericKubernetesResource resource : applied) {
                  GenericKubernetesResource now = current(resource);
                  assertThat(now.getAdditionalProperties())
                      .as("status of %s", resource.getMetadata().getName())
                      .containsKey("status");
                  assertThat(
                          JSON.convertValue(now.get("status"), JsonNode.class)
                              .path("observedGeneration")
                              .asLong())
                      .isEqualTo(1L);
                }
              });

      for (GenericKubernetesResource resource : applied) {
        GenericKubernetesResource now = current(resource);
        String name = resource.getKind() + " " + resource.getMetadata().getName();
        assertThat(JSON.convertValue(now.get("spec"), JsonNode.class))
            .as("spec of %s", name)
            .isEqualTo(JSON.convertValue(resource.get("spec"), JsonNode.class));
        assertThat(now.getMetadata().getLabels())
            .as("labels of %s", name)
            .isEqualTo(resource.getMetadata().getLabels());
        assertThat(now.getMetadata().getAnnotations())
            .as("annotations of %s", name)
            .isEqualTo(resource.getMetadata().getAnnotations());
        assertThat(now.getMetadata().getFinalizers()).as("finalizers of %s", name).isEmpty();
        assertThat(now.getMetadata().getOwnerReferences()).as("owners of %s", name).isEmpty();
        assertThat(now.getMetadata().getGeneration()).as("generation of %s", name).isEqualTo(1L);
      }
    }
  }

  private GenericKubernetesResource current(HasMetadata resource) {
    var resources = client.genericKubernetesResources(resource.getApiVersion(), resource.getKind());
    String namespace = resource.getMetadata().getNamespace();
    return namespace == null
        ? resources.withName(resource.getMetadata().getName()).get()
        : resources.inNamespace(namespace).withName(resource.getMetadata().getName()).get();
  }
}
