package io.kvswitch.dataplane.agent;

import io.kvswitch.api.v1alpha1.SwitchNodePort;
import io.kvswitch.api.v1alpha1.WorkloadReference;
import io.kvswitch.dataplane.dhcp.lease.kubernetes.OwnerResolver;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workload ports the agent has plugged in, by host interface and by MAC: the DHCP server asks
 * which local port a client is on, and which pod or VM a lease belongs to. Read from the DHCP
 * threads while the agent and the CNI handler change it.
 */
public final class LocalPortTable implements OwnerResolver {

  private final Map<String, SwitchNodePort> byInterface = new ConcurrentHashMap<>();
  private final Map<String, SwitchNodePort> byName = new ConcurrentHashMap<>();

  /** Records a port that forwards now (the engine plugged it in). */
  public void put(SwitchNodePort port) {
    SwitchNodePort previous = byName.put(port.getName(), port);
    if (previous != null) {
      byInterface.remove(HostInterfaces.forPort(previous.getName()));
    }
    byInterface.put(HostInterfaces.forPort(port.getName()), port);
  }

  public void remove(String name) {
    SwitchNodePort previous = byName.remove(name);
    if (previous != null) {
      byInterface.remove(HostInterfaces.forPort(name));
    }
  }

  /** Every port recorded now. */
  public List<SwitchNodePort> all() {
    return List.copyOf(byName.values());
  }

  /** The port whose host interface is {@code interfaceName}, if it is a local workload's. */
  public Optional<SwitchNodePort> byInterface(String interfaceName) {
    return Optional.ofNullable(byInterface.get(interfaceName));
  }

  @Override
  public Optional<WorkloadReference> ownerOf(MacAddress mac) {
    String wanted = mac.toString();
    for (SwitchNodePort port : byName.values()) {
      if (port.getMac() != null
          && port.getWorkloadKind() != null
          && port.getWorkloadName() != null
          && port.getMac().equalsIgnoreCase(wanted)) {
        return Optional.of(
            new WorkloadReference(port.getWorkloadKind().name(), port.getWorkloadName()));
      }
    }
    return Optional.empty();
  }
}
