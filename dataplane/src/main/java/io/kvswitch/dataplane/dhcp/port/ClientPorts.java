package io.kvswitch.dataplane.dhcp.port;

import java.util.Optional;

/**
 * Where a DHCP client is plugged in, as the switch learned it. The switch's DHCP port only sees
 * frames the switch forwarded to it, not the port they came in on, so it asks the MAC table (which
 * learned the client's MAC from that very frame) and the agent's port table.
 */
@FunctionalInterface
public interface ClientPorts {

  /**
   * The name of the local access port {@code mac} was learned on in {@code vlan}, or empty when the
   * MAC is unknown there or was learned on a port that is not a local workload's (a VXLAN peer, an
   * uplink): requests from those are another node's or another server's to answer.
   */
  Optional<String> localPortOf(int vlan, long mac);
}
