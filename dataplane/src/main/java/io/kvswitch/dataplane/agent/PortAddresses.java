package io.kvswitch.dataplane.agent;

/**
 * Where the agent records the address a local port's workload holds, so the per-interface record
 * (the SwitchPort) shows workload, node, VLAN, MAC and IP together.
 */
@FunctionalInterface
public interface PortAddresses {

  /**
   * Records {@code ip} as the address of the port {@code namespace/name}; {@code null} clears it.
   * Nothing when the record does not exist (any more).
   */
  void record(String namespace, String name, String ip);
}
