package io.kvswitch.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The lease records of one block of a VlanNetwork's DHCP range, kept together so that the records a
 * batch of leases touches in one block are written by one conditional request. Named like the
 * block's {@link AddressBlock} ({@code <network>.block-<index>}), in the network's namespace.
 * Internal: written by the dataplane agents only.
 *
 * <p>A kind of its own rather than part of the {@link AddressBlock}: ownership (who hands out new
 * addresses here) and records (who holds which address) have different writers and lifecycles, and
 * in one object every claim or takeover would conflict with the lease writes flowing into the
 * block. See dataplane/DHCP.md, "Lease records per block (design)".
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

  /** The object name of a block's records: {@code <network>.block-<index>}. */
  public static String nameOf(String network, int index) {
    return AddressBlock.nameOf(network, index);
  }

  /**
   * The object name of the records of reserved addresses outside the range that lie in the /24
   * starting with {@code a.b.c}: {@code <network>.fixed-<a>.<b>.<c>}. A VlanNetwork may reserve
   * more addresses (512) than one object holds, so they are cut too.
   */
  public static String fixedNameOf(String network, String slash24Prefix) {
    return network + ".fixed-" + slash24Prefix;
  }
}
