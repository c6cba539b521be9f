package io.kvswitch.dataplane.cni;

import java.util.OptionalInt;

/**
 * The top-level fields of a network configuration that {@link NetworkConfig} checks. The agent
 * reads them from its parsed request; the plugin from a streaming parse of stdin, so that it loads
 * no data binding classes.
 */
interface ConfigFields {

  /** Whether the field is there at all, whatever its value (JSON {@code null} included). */
  boolean has(String name);

  /** The field's value if it is a JSON string, else {@code ""}. */
  String text(String name);

  /** The field's value if it is a JSON integer that fits an {@code int}, else empty. */
  OptionalInt integer(String name);
}
