package io.kvswitch.dataplane.dhcp.lease;

import io.kvswitch.dataplane.dhcp.config.AddressRange;

/**
 * Opens the lease store of a network for the node's DHCP server: the Kubernetes API in the agent,
 * memory in tests.
 */
@FunctionalInterface
public interface NetworkLeaseStores {

  /**
   * @param namespace the VlanNetwork's namespace
   * @param network the VlanNetwork's name
   * @param range the dynamic range, cut into blocks of {@code blockSize}
   * @throws RuntimeException when the store cannot be opened (the API server is away); the caller
   *     tries again later
   */
  NetworkLeases open(String namespace, String network, AddressRange range, int blockSize);
}
