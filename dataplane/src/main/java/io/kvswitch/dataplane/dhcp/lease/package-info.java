/**
 * Leases: which address a client gets, and how that decision is made durable cluster-wide without
 * one API round trip per lease.
 *
 * <h2>Correctness: one record per address, conditional writes</h2>
 *
 * <p>{@link io.kvswitch.dataplane.dhcp.lease.LeaseStore} holds one record per address (in the
 * agent: one Kubernetes object per address, named after it). Every write names the version it read;
 * a write against a stale version fails with a conflict. Two nodes that choose the same address at
 * the same moment therefore cannot both succeed: one commits, the other gets a conflict and NAKs
 * its client, which starts over. Nothing else is needed for uniqueness, and {@code
 * TwoNodeAllocationTest} checks it with real threads.
 *
 * <h2>Speed: per-node blocks</h2>
 *
 * <p>So that conflicts stay rare, the dynamic range is cut into blocks and each node claims blocks
 * through the {@link io.kvswitch.dataplane.dhcp.lease.BlockLedger} (one conditional write per
 * block, not per lease). A node allocates new addresses from its own blocks, claims another block
 * when they are full, and only when every block has an owner does it take free addresses from other
 * nodes' blocks, coordinating per lease through the conditional write. A client's own lease is
 * found wherever it was made (reads are cluster-wide), so a VM that migrates keeps its address on
 * the new node.
 *
 * <h2>Durability: group commit, ACK after the write</h2>
 *
 * <p>The {@link io.kvswitch.dataplane.dhcp.lease.GroupCommitter} sends every lease submitted while
 * a batch is in flight together in the next batch: one round trip for many leases. The server sends
 * the ACK of a lease only when its batch has been written, so an acknowledged lease is never lost,
 * whatever happens to the node afterwards. OFFERs are not written (they promise nothing); an
 * offered address is held in memory on the node for a short time.
 *
 * <h2>When the store cannot be written</h2>
 *
 * <p>A renewal is answered with the time the already durable lease has left (no write needed), new
 * leases get no answer, and clients retry. The node never guesses.
 */
package io.kvswitch.dataplane.dhcp.lease;
