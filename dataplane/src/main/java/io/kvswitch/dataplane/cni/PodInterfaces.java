package io.kvswitch.dataplane.cni;

import java.util.Optional;

/** Creates and removes the veth pairs that connect pods to the switch. */
public interface PodInterfaces {

  /**
   * Creates a veth pair: {@code hostName} here, up, and its peer inside the network namespace at
   * {@code netnsPath}, named {@code ifName}, with {@code mac} and {@code mtu} on both sides, up. On
   * failure nothing is left behind.
   */
  void createVeth(String hostName, String netnsPath, String ifName, String mac, int mtu);

  /** The MAC of {@code ifName} inside the namespace, empty when there is no such interface. */
  Optional<String> macInside(String netnsPath, String ifName);

  /** Whether the host end exists. */
  boolean hostExists(String hostName);

  /** Removes the pair by its host end; returns whether it existed. */
  boolean deleteHost(String hostName);
}
