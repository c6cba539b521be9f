package io.kvswitch.e2e.sandbox;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeAffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a real cluster's DaemonSet controller and scheduler do, for the existing-cluster stand-in
 * ({@code sandbox api-server}): one Pod per DaemonSet and matching Node, named {@code DS-xxxxx},
 * owned by the DaemonSet, with the required node affinity {@code metadata.name In [NODE]} the
 * controller writes and {@code spec.nodeName} the scheduler then sets; Pods of a gone DaemonSet or
 * Node, or of an older template generation, are deleted. No process runs them: on a real cluster
 * that is the node's kubelet, for the sandbox's nodes its kubelet stand-in.
 */
final class DaemonSetController implements AutoCloseable {

  /** The label the DaemonSet controller puts on its Pods with the template's generation. */
  static final String TEMPLATE_GENERATION = "pod-template-generation";

  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger LOG = LoggerFactory.getLogger(DaemonSetController.class);

  private final KubernetesClient client;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  DaemonSetController(KubernetesClient client) {
    this.client = client;
  }

  void start() {
    loop.scheduleWithFixedDelay(this::sync, 0, 1, TimeUnit.SECONDS);
  }

  void sync() {
    try {
      List<DaemonSet> daemonSets = client.apps().daemonSets().inAnyNamespace().list().getItems();
      List<Node> nodes = client.nodes().list().getItems();
      List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
      for (Pod pod : pods) {
        Optional<OwnerReference> owner = daemonSetOwner(pod);
        if (owner.isEmpty()) {
          continue;
        }
        Optional<DaemonSet> ds =
            daemonSets.stream()
                .filter(d -> d.getMetadata().getUid().equals(owner.get().getUid()))
                .findFirst();
        Optional<Node> node =
            NodeSelection.boundNode(pod.getSpec())
                .flatMap(
                    name ->
                        nodes.stream()
                            .filter(n -> n.getMetadata().getName().equals(name))
                            .findFirst());
        if (ds.isEmpty()
            || node.isEmpty()
            || !NodeSelection.matches(ds.get().getSpec().getTemplate().getSpec(), node.get())
            || !generation(ds.get()).equals(labels(pod).get(TEMPLATE_GENERATION))) {
          client.resource(pod).delete();
        }
      }
      for (DaemonSet ds : daemonSets) {
        for (Node node : nodes) {
          String name = node.getMetadata().getName();
          boolean present =
              pods.stream()
                  .anyMatch(
                      p ->
                          daemonSetOwner(p)
                                  .map(o -> o.getUid().equals(ds.getMetadata().getUid()))
                                  .orElse(false)
                              && NodeSelection.boundNode(p.getSpec())
                                  .map(name::equals)
                                  .orElse(false)
                              && generation(ds).equals(labels(p).get(TEMPLATE_GENERATION)));
          if (!present && NodeSelection.matches(ds.getSpec().getTemplate().getSpec(), node)) {
            client.resource(podFor(ds, name)).create();
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("DaemonSet controller: sync failed", e);
    }
  }

  static Pod podFor(DaemonSet ds, String node) {
    Map<String, String> labels = new HashMap<>();
    if (ds.getSpec().getTemplate().getMetadata() != null
        && ds.getSpec().getTemplate().getMetadata().getLabels() != null) {
      labels.putAll(ds.getSpec().getTemplate().getMetadata().getLabels());
    }
    labels.put(TEMPLATE_GENERATION, generation(ds));
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName(ds.getMetadata().getName() + "-" + suffix)
        .withNamespace(ds.getMetadata().getNamespace())
        .withLabels(labels)
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("DaemonSet")
        .withName(ds.getMetadata().getName())
        .withUid(ds.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .endOwnerReference()
        .endMetadata()
        .withSpec(ds.getSpec().getTemplate().getSpec())
        .editSpec()
        .withNodeName(node)
        .withAffinity(affinityFor(ds.getSpec().getTemplate().getSpec().getAffinity(), node))
        .endSpec()
        .withNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }

  /**
   * The template's affinity with its required node affinity replaced by the one term naming the
   * node, as the DaemonSet controller does; pod (anti-)affinity and preferred node affinity stay.
   */
  static Affinity affinityFor(Affinity template, String node) {
    AffinityBuilder affinity =
        template == null ? new AffinityBuilder() : new AffinityBuilder(template);
    NodeAffinity nodeAffinity =
        template == null || template.getNodeAffinity() == null
            ? new NodeAffinity()
            : new NodeAffinityBuilder(template.getNodeAffinity()).build();
    nodeAffinity.setRequiredDuringSchedulingIgnoredDuringExecution(
        new NodeSelectorBuilder()
            .addNewNodeSelectorTerm()
            .withMatchFields(
                new NodeSelectorRequirementBuilder()
                    .withKey("metadata.name")
                    .withOperator("In")
                    .withValues(node)
                    .build())
            .endNodeSelectorTerm()
            .build());
    return affinity.withNodeAffinity(nodeAffinity).build();
  }

  static Optional<OwnerReference> daemonSetOwner(Pod pod) {
    return Optional.ofNullable(pod.getMetadata().getOwnerReferences()).orElse(List.of()).stream()
        .filter(o -> "DaemonSet".equals(o.getKind()) && Boolean.TRUE.equals(o.getController()))
        .findFirst();
  }

  private static String generation(DaemonSet ds) {
    return String.valueOf(ds.getMetadata().getGeneration());
  }

  private static Map<String, String> labels(Pod pod) {
    return Optional.ofNullable(pod.getMetadata().getLabels()).orElse(Map.of());
  }

  /** Stops the loop once a sync under way is done, so none creates a Pod after this. */
  @Override
  public void close() {
    ScheduledLoops.shutDownAndAwait(loop, Duration.ofSeconds(30), "DaemonSet controller");
  }
}
