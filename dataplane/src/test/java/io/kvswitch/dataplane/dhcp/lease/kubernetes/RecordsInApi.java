package io.kvswitch.dataplane.dhcp.lease.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kvswitch.api.v1alpha1.DhcpLabels;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The lease records of a network as the API server holds them now (not a cache), for tests. */
public final class RecordsInApi {

  private RecordsInApi() {}

  /** Every record of the network's {@link DhcpLeaseBlock}s, by address. */
  public static Map<String, DhcpLeaseRecord> all(
      KubernetesClient client, String namespace, String network) {
    Map<String, DhcpLeaseRecord> records = new LinkedHashMap<>();
    for (DhcpLeaseBlock block :
        client
            .resources(DhcpLeaseBlock.class)
            .inNamespace(namespace)
            .withLabel(DhcpLabels.NETWORK, network)
            .list()
            .getItems()) {
      block
          .getSpec()
          .getRecords()
          .forEach(
              (address, record) -> {
                if (records.put(address, record) != null) {
                  throw new AssertionError(address + " has a record in two blocks");
                }
              });
    }
    return records;
  }

  /** The record of one address, if the network has one. */
  public static Optional<DhcpLeaseRecord> of(
      KubernetesClient client, String namespace, String network, String address) {
    return Optional.ofNullable(all(client, namespace, network).get(address));
  }
}
