package io.kvswitch.api.v1alpha1;

/**
 * Labels on the DHCP store's objects ({@link DhcpLease}, {@link DhcpLeaseBlock}, {@link
 * AddressBlock}), so that an agent lists and watches one network's records and a person can ask
 * which of them a node wrote.
 */
public final class DhcpLabels {

  /** The VlanNetwork the record belongs to (same namespace). */
  public static final String NETWORK = KvswitchApi.GROUP + "/network";

  /** The node whose agent wrote the record last (for a block: the node that owns it). */
  public static final String NODE = KvswitchApi.GROUP + "/node";

  /**
   * On a {@link DhcpLease} written as the projection of a record in a {@link DhcpLeaseBlock}
   * ({@code "true"}). Objects without it were written by agents that kept one object per lease;
   * only those are read, once, to move them into blocks.
   */
  public static final String PROJECTED = KvswitchApi.GROUP + "/projected";

  private DhcpLabels() {}
}
