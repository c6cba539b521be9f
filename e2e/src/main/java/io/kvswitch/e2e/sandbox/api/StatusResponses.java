package io.kvswitch.e2e.sandbox.api;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.kvswitch.api.validation.Violation;
import java.util.List;
import java.util.stream.Collectors;

/** The {@code Status} bodies the real API server answers errors with, so kubectl prints them. */
final class StatusResponses {

  private StatusResponses() {}

  static Status invalid(String kind, String group, String name, List<Violation> violations) {
    List<StatusCause> causes =
        violations.stream()
            .map(
                v ->
                    new StatusCauseBuilder()
                        .withReason("FieldValueInvalid")
                        .withField(v.path())
                        .withMessage(v.message())
                        .build())
            .toList();
    String qualified = group.isEmpty() ? kind : kind + "." + group;
    String details = violations.stream().map(Violation::toString).collect(Collectors.joining(", "));
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(422)
        .withReason("Invalid")
        .withMessage(qualified + " \"" + name + "\" is invalid: " + details)
        .withNewDetails()
        .withName(name)
        .withGroup(group)
        .withKind(kind)
        .withCauses(causes)
        .endDetails()
        .build();
  }

  static Status failure(int code, String reason, String message) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(code)
        .withReason(reason)
        .withMessage(message)
        .build();
  }
}
