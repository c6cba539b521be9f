package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.config.PortFactory;
import io.kvswitch.dataplane.config.PortOptions;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.RenamedPort;
import java.io.IOException;

/**
 * Opens {@code tap} ports: creates the TAP device in the dataplane's network namespace (a VM's
 * interface) through a {@link TapPort}, offload headers as the config says. The device is removed
 * when the port closes.
 */
public final class TapPortFactory implements PortFactory {

  @Override
  public String type() {
    return "tap";
  }

  @Override
  public Port open(String name, String device) throws IOException {
    return open(name, device, PortOptions.DEFAULTS);
  }

  @Override
  public Port open(String name, String device, PortOptions options) throws IOException {
    try {
      return RenamedPort.named(name, TapPort.open(device, options.offloads()));
    } catch (LinuxCallException e) {
      throw new IOException("port '" + name + "': " + e.getMessage(), e);
    }
  }
}
