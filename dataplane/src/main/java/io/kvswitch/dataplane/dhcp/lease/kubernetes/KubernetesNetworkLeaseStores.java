package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.dataplane.dhcp.config.AddressRange;
import io.kvswitch.dataplane.dhcp.lease.BlockLedger;
import io.kvswitch.dataplane.dhcp.lease.LeaseStore;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeaseStores;
import io.kvswitch.dataplane.dhcp.lease.NetworkLeases;
import java.time.Instant;

/**
 * The agent's lease stores: {@link KubernetesLeaseStore} and {@link KubernetesBlockLedger} of each
 * network, in the network's namespace, with this node's owner lookup and node directory.
 */
public final class KubernetesNetworkLeaseStores implements NetworkLeaseStores {

  private final KubernetesClient client;
  private final OwnerResolver owners;
  private final NodeDirectory nodes;

  public KubernetesNetworkLeaseStores(
      KubernetesClient client, OwnerResolver owners, NodeDirectory nodes) {
    this.client = client;
    this.owners = owners;
    this.nodes = nodes;
  }

  @Override
  public NetworkLeases open(String namespace, String network, AddressRange range, int blockSize) {
    NetworkOwner networkOwner = NetworkOwner.lookUp(client, namespace, network);
    KubernetesLeaseStore store =
        KubernetesLeaseStore.open(client, namespace, network, networkOwner, owners);
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
        return store.reclaimExpired(now);
      }

      @Override
      public void close() {
        ledger.close();
        store.close();
      }
    };
  }
}
