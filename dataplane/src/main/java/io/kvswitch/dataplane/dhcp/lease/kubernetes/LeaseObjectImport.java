package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.dataplane.dhcp.lease.Lease;
import io.kvswitch.dataplane.dhcp.lease.Versioned;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Moves lease records kept one {@link DhcpLease} object per address (as agents before the per-block
 * records wrote them) into {@link DhcpLeaseBlock}s, when a network's store opens: for every block
 * that has no object yet but {@code DhcpLease}s in its addresses, one create of the block with
 * those records. Each record's first revision is its object's resourceVersion, which is lower than
 * every resourceVersion the block will be written at, so versions stay unique per address.
 *
 * <p>Another node importing the same block at the same moment makes the create a 409; its block is
 * read instead. Once a block exists, its {@code DhcpLease}s are only the projection of its records
 * and are never read back.
 */
final class LeaseObjectImport {

  private final KubernetesClient client;
  private final String namespace;
  private final String network;
  private final int blockSize;
  private final NetworkOwner networkOwner;

  LeaseObjectImport(
      KubernetesClient client,
      String namespace,
      String network,
      int blockSize,
      NetworkOwner networkOwner) {
    this.client = client;
    this.namespace = namespace;
    this.network = network;
    this.blockSize = blockSize;
    this.networkOwner = networkOwner;
  }

  /**
   * @param exists whether a block (by name) is already in the store's cache
   * @param cache takes every block created or read here
   * @return how many blocks were created
   * @throws KubernetesClientException when the objects cannot be listed or a block not written
   */
  int run(Predicate<String> exists, Consumer<DhcpLeaseBlock> cache) {
    Map<LeaseBlockKey, Map<String, DhcpLeaseRecord>> toImport = new LinkedHashMap<>();
    for (DhcpLease object :
        client
            .resources(DhcpLease.class)
            .inNamespace(namespace)
            .withLabel(DhcpLabels.NETWORK, network)
            // Projections are not records: listing only the others keeps an open cheap.
            .withoutLabel(DhcpLabels.PROJECTED)
            .list()
            .getItems()) {
      if (!networkOwner.owns(object)) {
        // An earlier network's, waiting for the garbage collector.
        continue;
      }
      Versioned<Lease> record;
      try {
        record = LeaseObjects.fromObject(object);
      } catch (RuntimeException malformed) {
        // The per-lease store ignored such objects too; nothing was ever served from them.
        continue;
      }
      LeaseBlockKey key = LeaseBlockKey.of(network, blockSize, record.value().address());
      if (exists.test(key.name())) {
        continue;
      }
      toImport
          .computeIfAbsent(key, k -> new LinkedHashMap<>())
          .put(
              record.value().address().toString(),
              LeaseBlockObjects.toRecord(
                  record.value(),
                  record.version(),
                  Optional.ofNullable(object.getSpec().getOwner())));
    }
    int created = 0;
    for (Map.Entry<LeaseBlockKey, Map<String, DhcpLeaseRecord>> block : toImport.entrySet()) {
      DhcpLeaseBlock object =
          LeaseBlockObjects.withRecords(
              LeaseBlockObjects.empty(namespace, network, networkOwner, block.getKey()),
              block.getValue());
      try {
        cache.accept(client.resource(object).create());
        created++;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        DhcpLeaseBlock theirs =
            client
                .resources(DhcpLeaseBlock.class)
                .inNamespace(namespace)
                .withName(block.getKey().name())
                .get();
        if (theirs != null) {
          cache.accept(theirs);
        }
      }
    }
    return created;
  }
}
