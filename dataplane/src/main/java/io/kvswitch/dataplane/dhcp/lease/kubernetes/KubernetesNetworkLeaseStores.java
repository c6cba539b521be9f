package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.dataplane.dhcp.config.AddressRange;
import io.kvswitch.dataplane.dhcp.lease.BlockLedger;
import io.kvswitch.dataplane.dhcp.lease.LeaseStore;
import io.kvswitch.dataplane.dhcp.lease.LeaseStoreCounters;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeases;
import java.time.Instant;

/**
 * The agent's lease stores: {@link KubernetesBlockRecordStore} and {@link KubernetesBlockLedger} of
 * each network, in the network's namespace, with this node's owner lookup and node directory, and
 * the {@link LeaseProjector} that shows the records of the blocks this node looks after ({@link
 * BlockDuty}) as {@code DhcpLease} objects.
 */
public final class KubernetesNetworkLeaseStores implements NetworkLeaseStores {

  /**
   * Addresses per {@code DhcpLeaseBlock}: aligned blocks of 32, whatever the allocation blocks of
   * the range (a range not starting at a multiple of 32 makes an allocation block span two).
   */
  public static final int RECORD_BLOCK_SIZE = 32;

  private final KubernetesClient client;
  private final String node;
  private final OwnerResolver owners;
  private final NodeDirectory nodes;
  private final LeaseProjector.Settings projection;

  /**
   * @param node this node's name: it reclaims expired leases in the blocks it owns and projects
   *     their records
   */
  public KubernetesNetworkLeaseStores(
      KubernetesClient client, String node, OwnerResolver owners, NodeDirectory nodes) {
    this(client, node, owners, nodes, LeaseProjector.Settings.DEFAULT);
  }

  /**
   * @param projection how fast this node writes {@code DhcpLease} objects ({@link
   *     LeaseProjector.Settings#OFF}: not at all)
   */
  public KubernetesNetworkLeaseStores(
      KubernetesClient client,
      String node,
      OwnerResolver owners,
      NodeDirectory nodes,
      LeaseProjector.Settings projection) {
    this.client = client;
    this.node = node;
    this.owners = owners;
    this.nodes = nodes;
    this.projection = projection;
  }

  @Override
  public NetworkLeases open(String namespace, String network, AddressRange range, int blockSize) {
    NetworkOwner networkOwner = NetworkOwner.lookUp(client, namespace, network);
    KubernetesBlockRecordStore store =
        KubernetesBlockRecordStore.open(
            client, namespace, network, RECORD_BLOCK_SIZE, networkOwner, owners);
    KubernetesBlockLedger ledger;
    try {
      ledger =
          KubernetesBlockLedger.open(
              client, namespace, network, range, blockSize, nodes, networkOwner);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    BlockDuty duty = new BlockDuty(ledger, range, blockSize, node);
    LeaseProjector projector;
    try {
      projector =
          LeaseProjector.start(
              client, namespace, network, networkOwner, store::blocks, duty, projection);
    } catch (RuntimeException e) {
      ledger.close();
      store.close();
      throw e;
    }
    store.onChange(projector::changed);
    return new NetworkLeases() {
      @Override
      public LeaseStore store() {
        return store;
      }

      @Override
      public BlockLedger ledger() {
        return ledger;
      }

      @Override
      public int reclaimExpired(Instant now) {
        return store.reclaimExpired(now, duty.fresh());
      }

      @Override
      public LeaseStoreCounters counters() {
        return new LeaseStoreCounters(
            store.requestsSent(),
            store.blockConflicts(),
            store.foreignBlocks(),
            store.malformedRecords(),
            store.importedBlocks(),
            projector.created() + projector.updated() + projector.deleted(),
            projector.conflicts(),
            projector.failures(),
            projector.pending());
      }

      @Override
      public boolean replacedByAnotherNetwork() {
        if (networkOwner == NetworkOwner.NONE) {
          return false;
        }
        try {
          return !NetworkOwner.lookUp(client, namespace, network).sameAs(networkOwner);
        } catch (IllegalStateException gone) {
          // Deleted and not created again: the operator takes its VLAN off the node.
          return false;
        }
      }

      @Override
      public void close() {
        projector.close();
        ledger.close();
        store.close();
      }
    };
  }
}
