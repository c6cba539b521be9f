package io.kvswitch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The lease record of one address of a VlanNetwork, written by the dataplane agents and kept in the
 * network's namespace. Internal: users read it with {@code kubectl get dhcpleases}, nobody edits
 * it.
 *
 * <p>There is one object per address, named {@code <network>.<ip>}, not one per client. The API
 * server then enforces what matters most by itself: an address has one record, and a write names
 * the resourceVersion it read, so two nodes that pick the same address at the same moment cannot
 * both succeed (one gets 409 Conflict). A record per client would need a second mechanism to keep
 * two clients off one address. A client's earlier address is found through the agent's cache,
 * indexed by client and MAC.
 */
@Group(KvswitchApi.GROUP)
@Version(KvswitchApi.VERSION)
@Plural("dhcpleases")
@ValidationRule(value = "has(self.spec)", message = "spec is required")
@AdditionalPrinterColumn(name = "Network", jsonPath = ".spec.network")
@AdditionalPrinterColumn(name = "IP", jsonPath = ".spec.ip")
@AdditionalPrinterColumn(name = "MAC", jsonPath = ".spec.mac")
@AdditionalPrinterColumn(name = "Owner Kind", jsonPath = ".spec.owner.kind")
@AdditionalPrinterColumn(name = "Owner", jsonPath = ".spec.owner.name")
@AdditionalPrinterColumn(name = "Node", jsonPath = ".spec.node")
@AdditionalPrinterColumn(name = "State", jsonPath = ".spec.state")
@AdditionalPrinterColumn(
    name = "Expires",
    jsonPath = ".spec.expiresAt",
    getDescription = "End of the lease (or of the quarantine of a declined address)")
public class DhcpLease extends CustomResource<DhcpLeaseSpec, Void> implements Namespaced {

  /** The object name of an address's record: {@code <network>.<ip>}. */
  public static String nameOf(String network, String ip) {
    return network + "." + ip;
  }
}
