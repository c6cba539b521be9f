package io.kvswitch.api.validation;

/**
 * One reason the API server would refuse an object.
 *
 * @param path the field, in the dotted form {@code kubectl} prints, such as {@code spec.vlanId}
 * @param message what is wrong, for a person
 */
public record Violation(String path, String message) {

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
