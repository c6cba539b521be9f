package io.kvswitch.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** Informers on objects a reconciler reads but does not own. */
public final class Informers {

  private Informers() {}

  public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> watch(
      Class<R> type,
      EventSourceContext<P> context,
      String name,
      SecondaryToPrimaryMapper<R> toPrimaries) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, context.getPrimaryResourceClass())
            .withName(name)
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(toPrimaries)
            .build(),
        context);
  }

  /**
   * Nodes, with updates filtered to what the compiler reads (labels and addresses): kubelets update
   * node status all the time, and none of that should recompile a switch.
   */
  public static <P extends HasMetadata> InformerEventSource<Node, P> nodes(
      EventSourceContext<P> context, SecondaryToPrimaryMapper<Node> toPrimaries) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Node.class, context.getPrimaryResourceClass())
            .withName("nodes")
            .withSecondaryToPrimaryMapper(toPrimaries)
            .withOnUpdateFilter(
                (updated, old) ->
                    !Objects.equals(
                            updated.getMetadata().getLabels(), old.getMetadata().getLabels())
                        || !Objects.equals(addresses(updated), addresses(old)))
            .build(),
        context);
  }

  /** Every primary in the cache: for inputs that can affect any of them. */
  public static <P extends HasMetadata> Set<ResourceID> all(EventSourceContext<P> context) {
    return context
        .getPrimaryCache()
        .list()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static Object addresses(Node node) {
    return node.getStatus() == null ? null : node.getStatus().getAddresses();
  }
}
