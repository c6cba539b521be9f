package io.kvswitch.dataplane.port.linux;

import io.kvswitch.dataplane.config.PortFactory;
import io.kvswitch.dataplane.config.PortOptions;
import io.kvswitch.dataplane.port.Port;
import io.kvswitch.dataplane.port.RenamedPort;
import java.io.IOException;

/**
 * Opens {@code afpacket} ports: an existing interface in the dataplane's network namespace (the
 * host end of a pod's veth, an uplink NIC) through an {@link AfPacketPort} with the default ring
 * (TPACKET_V2 with small slots, {@link AfPacketOptions#perFrame()}, as pods' ports get; {@link
 * AfPacketOptions#defaults()}, TPACKET_V3, for {@code rxRing: tpacket-v3}), offload headers as the
 * config says.
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
          PortOptions.TPACKET_V3.equals(options.rxRing())
              ? AfPacketOptions.defaults()
              : AfPacketOptions.perFrame();
      AfPacketOptions socket = ring.withOffloads(options.offloads());
      return RenamedPort.named(name, AfPacketPort.open(device, socket));
    } catch (LinuxCallException e) {
      throw new IOException("port '" + name + "': " + e.getMessage(), e);
    }
  }
}
