package io.kvswitch.dataplane.config;

import io.kvswitch.dataplane.port.Port;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** The port factories available to this process, by config type. */
public final class PortFactories {

  private final Map<String, PortFactory> byType = new HashMap<>();

  /** Only the given factories; tests use this to open ports of their choice. */
  public PortFactories(Iterable<? extends PortFactory> factories) {
    for (PortFactory factory : factories) {
      byType.put(factory.type(), factory);
    }
  }

  /** The built-in memory backend plus every factory registered with ServiceLoader. */
  public static PortFactories discover() {
    PortFactories factories = new PortFactories(List.of(new MemoryPortFactory()));
    for (PortFactory factory : ServiceLoader.load(PortFactory.class)) {
      factories.byType.put(factory.type(), factory);
    }
    return factories;
  }

  /**
   * Opens a port of {@code type}.
   *
   * @throws IOException when the backend cannot open it, or no backend of that type is present
   */
  public Port open(String type, String name, String device) throws IOException {
    return open(type, name, device, PortOptions.DEFAULTS);
  }

  /**
   * Opens a port of {@code type} with the backend settings from its config.
   *
   * @throws IOException when the backend cannot open it, or no backend of that type is present
   */
  public Port open(String type, String name, String device, PortOptions options)
      throws IOException {
    PortFactory factory = byType.get(type);
    if (factory == null) {
      throw new IOException(
          "port '"
              + name
              + "': no '"
              + type
              + "' backend in this build (available: "
              + String.join(", ", new TreeSet<>(byType.keySet()))
              + ")");
    }
    return factory.open(name, device, options);
  }
}
