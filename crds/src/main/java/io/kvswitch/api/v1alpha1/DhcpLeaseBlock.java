package io.kvswitch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The lease records of one aligned block of a VlanNetwork's subnet (32 addresses in the agent),
 * kept together so that the records a batch of leases touches in one block are written by one
 * conditional request. Named {@code <network>.<first address>-<prefix length>}, in the network's
 * namespace. The cut does not depend on the DHCP range: changing the range never moves a record to
 * another object. Internal: written by the dataplane agents only.
 *
 * <p>A kind of its own rather than part of the {@link AddressBlock}: ownership (who hands out new
 * addresses here) and records (who holds which address) have different writers and lifecycles, and
 * in one object every claim or takeover would conflict with the lease writes flowing into the
 * block. See dataplane/DHCP.md, "The lease store in the Kubernetes API".
 */
@Group(KvswitchApi.GROUP)
@Version(KvswitchApi.VERSION)
@Plural("dhcpleaseblocks")
@ValidationRule(value = "has(self.spec)", message = "spec is required")
@AdditionalPrinterColumn(name = "Network", jsonPath = ".spec.network")
@AdditionalPrinterColumn(name = "Range", jsonPath = ".spec.range")
@AdditionalPrinterColumn(
    name = "Bound",
    jsonPath = ".spec.bound",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class DhcpLeaseBlock extends CustomResource<DhcpLeaseBlockSpec, Void> implements Namespaced {

  /**
   * The most addresses a block may have. With the field limits of a record (at most about 1.6 KB of
   * JSON, typically 150-250 B) a full block stays under about 410 KB, far below the 1.5 MiB the API
   * server and etcd accept for one object.
   */
  public static final int MAX_RECORDS = 256;

  /**
   * The object name of the records of the aligned block that starts at {@code firstAddress} and has
   * {@code 2^(32 - prefixLength)} addresses: {@code <network>.<first address>-<prefix length>}, for
   * instance {@code blue.10.0.0.32-27}.
   */
  public static String nameOf(String network, String firstAddress, int prefixLength) {
    return network + "." + firstAddress + "-" + prefixLength;
  }
}
