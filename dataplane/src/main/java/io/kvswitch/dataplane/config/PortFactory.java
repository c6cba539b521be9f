package io.kvswitch.dataplane.config;

import io.kvswitch.dataplane.port.Port;
import java.io.IOException;

/**
 * Opens the ports of one backend type named in the config ({@code afpacket}, {@code tap}, {@code
 * memory}). Backends outside this package register through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/io.kvswitch.dataplane.config.PortFactory}).
 */
public interface PortFactory {

  /** The config {@code type} this factory opens. */
  String type();

  /**
   * Opens one port.
   *
   * @param name the port's name in counters and logs
   * @param device the network device behind it (the name when the config sets no device)
   */
  Port open(String name, String device) throws IOException;
}
