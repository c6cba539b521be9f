package io.kvswitch.dataplane.config;

import io.kvswitch.dataplane.port.InMemoryPort;
import io.kvswitch.dataplane.port.Port;

/** Opens {@code memory} ports: no device, frames injected and captured in process. */
public final class MemoryPortFactory implements PortFactory {

  @Override
  public String type() {
    return "memory";
  }

  @Override
  public Port open(String name, String device) {
    return new InMemoryPort(name);
  }
}
