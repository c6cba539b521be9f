package io.kvswitch.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvswitch.api.validation.Violation;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/**
 * A valid sample with one mistake, and the one refusal it must cause: the field named and a message
 * fragment a person would recognise.
 */
record BadTwin(String mistake, List<Edit> edits, String path, String message) {

  static Arguments of(String mistake, Edit edit, String path, String message) {
    return Arguments.of(new BadTwin(mistake, List.of(edit), path, message));
  }

  static Arguments of(String mistake, List<Edit> edits, String path, String message) {
    return Arguments.of(new BadTwin(mistake, edits, path, message));
  }

  ObjectNode applyTo(ObjectNode valid) {
    ObjectNode result = valid;
    for (Edit edit : edits) {
      result = edit.applyTo(result);
    }
    return result;
  }

  /** Exactly one violation: a second would mean a rule also fires on input it is not about. */
  void assertRefused(List<Violation> violations) {
    assertThat(violations).as("violations for %s (%s)", mistake, edits).hasSize(1);
    assertThat(violations.getFirst().path()).isEqualTo(path);
    assertThat(violations.getFirst().message()).contains(message);
  }

  @Override
  public String toString() {
    return mistake;
  }
}
