package io.kvswitch.dataplane.config;

import java.util.List;

/** A configuration that cannot be used; each problem names the field it is about. */
public final class ConfigException extends Exception {

  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(source + ": " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code field.path: what is wrong}. */
  public List<String> problems() {
    return problems;
  }
}
