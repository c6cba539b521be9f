package io.kvswitch.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kvswitch.operator.Labels;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Warning events on a resource, as {@code kubectl describe} shows them. Callers emit one
 * when a problem condition turns True. The event's name is derived from the object and the reason,
 * so a repeat (a reconcile that ran before the previous status write was visible, or the problem
 * coming back) raises the count of the existing event instead of adding another, as client-go's
 * event correlator does.
 */
public final class WarningEvents {

  private static final Logger LOG = LoggerFactory.getLogger(WarningEvents.class);

  private final KubernetesClient client;
  private final String fallbackNamespace;
  private final Clock clock;

  /**
   * @param fallbackNamespace where events about cluster-scoped objects go (the operator's own)
   */
  public WarningEvents(KubernetesClient client, String fallbackNamespace, Clock clock) {
    this.client = client;
    this.fallbackNamespace = fallbackNamespace;
    this.clock = clock;
  }

  static String eventName(HasMetadata about, String reason) {
    String identity =
        about.getMetadata().getUid() + "/" + about.getMetadata().getName() + "/" + reason;
    String hash =
        UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8))
            .toString()
            .replace("-", "")
            .substring(0, 16);
    return about.getMetadata().getName() + "." + hash;
  }

  public void warn(HasMetadata about, String reason, String message) {
    String namespace =
        about.getMetadata().getNamespace() != null
            ? about.getMetadata().getNamespace()
            : fallbackNamespace;
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(eventName(about, reason))
            .withLabels(Map.of(Labels.MANAGED_BY, Labels.OPERATOR))
            .endMetadata()
            .withType("Warning")
            .withReason(reason)
            .withMessage(message)
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(about.getApiVersion())
                    .withKind(about.getKind())
                    .withName(about.getMetadata().getName())
                    .withNamespace(about.getMetadata().getNamespace())
                    .withUid(about.getMetadata().getUid())
                    .build())
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(Labels.OPERATOR)
            .endSource()
            .build();
    try {
      try {
        client.v1().events().inNamespace(namespace).resource(event).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // The operator may create and patch events but not read them: a merge patch moves the
        // existing event's time and message without a GET.
        Event update =
            new EventBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(event.getMetadata().getName())
                .endMetadata()
                .withLastTimestamp(now)
                .withMessage(message)
                .build();
        client
            .v1()
            .events()
            .inNamespace(namespace)
            .resource(update)
            .patch(PatchContext.of(PatchType.JSON_MERGE));
      }
    } catch (KubernetesClientException e) {
      // An event is a courtesy; the condition already tells the truth.
      LOG.warn(
          "{} {}: could not record event {}: {}",
          about.getKind(),
          about.getMetadata().getName(),
          reason,
          e.getMessage());
    }
  }
}
