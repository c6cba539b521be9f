package io.kvswitch.e2e.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A verb's arguments: {@code --name value} options from a fixed set, {@code --help}, and the
 * positional words. Anything else is an error that names the verb's usage.
 */
final class VerbArguments {

  /** A mistake in how a verb was called; the message says what to type instead. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, String> options = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();
  private final boolean help;

  private VerbArguments(boolean help) {
    this.help = help;
  }

  /**
   * @param words the words after the verb; everything after {@code --} is positional as it is
   * @param known the options this verb takes, e.g. {@code --node}
   */
  static VerbArguments parse(List<String> words, Set<String> known) throws UsageException {
    VerbArguments arguments = new VerbArguments(words.contains("--help") || words.contains("-h"));
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word.equals("--")) {
        arguments.positional.addAll(words.subList(i + 1, words.size()));
        break;
      }
      if (word.equals("--help") || word.equals("-h")) {
        continue;
      }
      if (word.startsWith("--")) {
        if (!known.contains(word)) {
          throw new UsageException("unknown option " + word);
        }
        if (i + 1 >= words.size()) {
          throw new UsageException(word + " needs a value");
        }
        arguments.options.put(word, words.get(++i));
      } else {
        arguments.positional.add(word);
      }
    }
    return arguments;
  }

  boolean help() {
    return help;
  }

  Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  String required(String name) throws UsageException {
    return option(name).orElseThrow(() -> new UsageException(name + " is required"));
  }

  List<String> positional() {
    return positional;
  }

  /** The one positional word a verb like {@code pod del NAME} takes. */
  String name(String what) throws UsageException {
    if (positional.size() != 1) {
      throw new UsageException("give exactly one " + what);
    }
    return positional.getFirst();
  }

  int seconds(String name, int defaultValue) throws UsageException {
    String value = option(name).orElse(Integer.toString(defaultValue));
    try {
      int seconds = Integer.parseInt(value);
      if (seconds < 0) {
        throw new NumberFormatException();
      }
      return seconds;
    } catch (NumberFormatException e) {
      throw new UsageException(name + " takes a number of seconds, not '" + value + "'");
    }
  }
}
