package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.dataplane.dhcp.config.AddressRange;
import io.kvswitch.dataplane.dhcp.lease.BlockLedger;
import io.kvswitch.dataplane.dhcp.lease.LeaseStore;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeases;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The agent's lease stores: {@link KubernetesBlockRecordStore} and {@link KubernetesBlockLedger} of
 * each network, in the network's namespace, with this node's owner lookup and node directory.
 */
public final class KubernetesNetworkLeaseStores implements NetworkLeaseStores {

  private final KubernetesClient client;
  private final String node;
  private final OwnerResolver owners;
  private final NodeDirectory nodes;

  /**
   * @param node this node's name: it reclaims expired leases in the blocks it owns
   */
  public KubernetesNetworkLeaseStores(
      KubernetesClient client, String node, OwnerResolver owners, NodeDirectory nodes) {
    this.client = client;
    this.node = node;
    this.owners = owners;
    this.nodes = nodes;
  }

  @Override
  public NetworkLeases open(String namespace, String network, AddressRange range, int blockSize) {
    NetworkOwner networkOwner = NetworkOwner.lookUp(client, namespace, network);
    KubernetesBlockRecordStore store =
        KubernetesBlockRecordStore.open(
            client, namespace, network, range, blockSize, networkOwner, owners);
    KubernetesBlockLedger ledger;
    try {
      ledger =
          KubernetesBlockLedger.open(
              client, namespace, network, range, blockSize, nodes, networkOwner);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
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
        return store.reclaimExpired(now, reclaimedHere(ledger.read().value(), ledger));
      }

      @Override
      public void close() {
        ledger.close();
        store.close();
      }
    };
  }

  /**
   * The blocks whose expired leases this node reclaims: its own, those without an owner or whose
   * owner has left the cluster (every node reclaims those; the collisions cost a re-read each), and
   * the records of reserved addresses outside the range when it owns block 0 or nobody owns it
   * alive. Every block therefore has a node that reclaims it, and usually exactly one.
   */
  private IntPredicate reclaimedHere(Map<Integer, String> owners, BlockLedger ledger) {
    Set<String> departed = ledger.departedNodes(owners.values());
    return block -> {
      String owner = owners.get(block < 0 ? 0 : block);
      return owner == null || owner.equals(node) || departed.contains(owner);
    };
  }
}
