package io.kvswitch.dataplane.dhcp.lease.kubernetes;

/**
 * Tells whether a node has left the cluster, so that its address blocks can be taken over. Asked
 * only when a network has no unowned block left.
 */
@FunctionalInterface
public interface NodeDirectory {

  /** Never says a node has left: blocks stay with their owners. */
  NodeDirectory NONE = node -> false;

  /** True only when the node is known to be gone; false when it is there or cannot be told. */
  boolean hasLeft(String node);
}
