package io.kvswitch.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.kvswitch.e2e.sandbox.api.SandboxApiServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The stand-in DaemonSet controller: its Pods, as the real one makes them, and its stop. */
class DaemonSetControllerTest {

  @Test
  void aPodKeepsTheTemplatesAffinityButItsRequiredNodeAffinityNamesOnlyItsNode() {
    Affinity template =
        new AffinityBuilder()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("kubernetes.io/os")
            .withOperator("In")
            .withValues("linux")
            .endMatchExpression()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(10)
            .withNewPreference()
            .addNewMatchExpression()
            .withKey("zone")
            .withOperator("Exists")
            .endMatchExpression()
            .endPreference()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .withNewPodAntiAffinity()
            .addNewRequiredDuringSchedulingIgnoredDuringExecution()
            .withTopologyKey("kubernetes.io/hostname")
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endPodAntiAffinity()
            .build();
    DaemonSet ds =
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName("agent")
            .withNamespace("ns")
            .withUid("uid-1")
            .withGeneration(1L)
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .withAffinity(template)
            .addNewContainer()
            .withName("agent")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();

    Pod pod = DaemonSetController.podFor(ds, "node-1");

    Affinity affinity = pod.getSpec().getAffinity();
    assertThat(affinity.getPodAntiAffinity()).isEqualTo(template.getPodAntiAffinity());
    assertThat(affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .isEqualTo(template.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
    assertThat(NodeSelection.requiredTerms(pod.getSpec()).orElseThrow())
        .singleElement()
        .satisfies(
            term -> {
              assertThat(term.getMatchExpressions()).isNullOrEmpty();
              assertThat(term.getMatchFields())
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f.getKey()).isEqualTo("metadata.name");
                        assertThat(f.getValues()).containsExactly("node-1");
                      });
            });
    assertThat(NodeSelection.boundNode(pod.getSpec())).contains("node-1");
    assertThat(ds.getSpec().getTemplate().getSpec().getAffinity())
        .as("the template is left as it was")
        .isEqualTo(template);
  }

  @Test
  void closeWaitsForASyncThatIsCreatingAPodSoNoneIsWrittenAfterIt() throws Exception {
    CountDownLatch creating = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean closeReturned = new AtomicBoolean();
    AtomicBoolean writtenAfterClose = new AtomicBoolean();
    Interceptor holdPodCreation =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if (!"POST".equals(request.method()) || !request.uri().getPath().endsWith("/pods")) {
              return;
            }
            creating.countDown();
            while (true) {
              try {
                release.await();
                break;
              } catch (InterruptedException e) {
                // Held on purpose: an interrupt must not let the write through early.
              }
            }
            writtenAfterClose.compareAndSet(false, closeReturned.get());
          }
        };
    try (SandboxApiServer server = SandboxApiServer.start(0);
        KubernetesClient client = server.client();
        KubernetesClient held =
            new KubernetesClientBuilder()
                .withConfig(client.getConfiguration())
                .withHttpClientBuilderConsumer(
                    b -> b.addOrReplaceInterceptor("hold", holdPodCreation))
                .build()) {
      client
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build())
          .create();
      client
          .resource(
              new DaemonSetBuilder()
                  .withNewMetadata()
                  .withName("agent")
                  .withNamespace("ns")
                  .endMetadata()
                  .withNewSpec()
                  .withNewTemplate()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("agent")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
      DaemonSetController controller = new DaemonSetController(held);
      controller.start();
      creating.await();

      Thread closer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    controller.close();
                    closeReturned.set(true);
                  });
      // Either close returned at once, or it waits for the sync: only then is the write let go.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  closer.getState() == Thread.State.TERMINATED
                      || closer.getState() == Thread.State.TIMED_WAITING);
      release.countDown();
      closer.join();

      assertThat(writtenAfterClose).as("a Pod written after close returned").isFalse();
    }
  }
}
