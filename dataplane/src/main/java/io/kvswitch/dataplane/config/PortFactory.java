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

  /**
   * Opens one port with the backend settings from its config. Backends that have no settings (the
   * memory port) need not override this.
   */
  default Port open(String name, String device, PortOptions options) throws IOException {
    return open(name, device);
  }
}
