package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.config.PortFactory;
import io.kvswitch.dataplane.config.PortOptions;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.RenamedPort;
import java.io.IOException;

/**
 * Opens {@code afpacket} ports: an existing interface in the dataplane's network namespace (the
 * host end of a pod's veth, an uplink NIC) through an {@link AfPacketPort} with the default ring
 * ({@link AfPacketOptions#defaults()}, or {@link AfPacketOptions#perFrame()} for {@code rxRing:
 * tpacket-v2}), offload headers as the config says.
 */
public final class AfPacketPortFactory implements PortFactory {

  @Override
  public String type() {
    return "afpacket";
  }

  @Override
  public Port open(String name, String device) throws IOException {
    return open(name, device, PortOptions.DEFAULTS);
  }

  @Override
  public Port open(String name, String device, PortOptions options) throws IOException {
    try {
      AfPacketOptions ring =
          PortOptions.TPACKET_V2.equals(options.rxRing())
              ? AfPacketOptions.perFrame()
              : AfPacketOptions.defaults();
      AfPacketOptions socket = ring.withOffloads(options.offloads());
      return RenamedPort.named(name, AfPacketPort.open(device, socket));
    } catch (LinuxCallException e) {
      throw new IOException("port '" + name + "': " + e.getMessage(), e);
    }
  }
}
