package io.kvswitch.dataplane.cni;

import java.util.Optional;

/** Creates and removes the interfaces that connect pods and VMs to the switch. */
public interface PodInterfaces {

  /**
   * Creates a veth pair: {@code hostName} here, up, and its peer inside the network namespace at
   * {@code netnsPath}, named {@code ifName}, with {@code mac}, up; both with {@code mtu}. On
   * failure nothing is left behind, and an existing interface of either name is refused, never
   * reused.
   */
  void createVeth(String hostName, String netnsPath, String ifName, String mac, int mtu);

  /**
   * Creates a persistent TAP device inside the network namespace at {@code netnsPath}, named {@code
   * ifName}, with {@code mac} and {@code mtu}, up. The switch attaches to it by name in that
   * namespace. On failure nothing is left behind; an existing name is refused.
   */
  void createTap(String netnsPath, String ifName, String mac, int mtu);

  /** The MAC of {@code ifName} inside the namespace, empty when there is no such interface. */
  Optional<String> macInside(String netnsPath, String ifName);

  /** Whether the host end exists. */
  boolean hostExists(String hostName);

  /** Removes the pair by its host end; returns whether it existed. */
  boolean deleteHost(String hostName);

  /**
   * Removes {@code ifName} inside the namespace; returns whether it existed. A namespace that no
   * longer exists has nothing to remove.
   */
  boolean deleteInside(String netnsPath, String ifName);
}
