package io.kvswitch.api.v1alpha1;

import static io.kvswitch.api.v1alpha1.Edit.remove;
import static io.kvswitch.api.v1alpha1.Edit.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvswitch.api.validation.CustomResourceValidator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the API server refuses in the DHCP store's records, which only the agents write. */
class DhcpStoreKindsValidationTest {

  private final CustomResourceValidator leases = Crds.validator("DhcpLease");
  private final CustomResourceValidator blocks = Crds.validator("AddressBlock");
  private final CustomResourceValidator leaseBlocks = Crds.validator("DhcpLeaseBlock");

  private static final String LEASE =
      """
      apiVersion: kvswitch.io/v1alpha1
      kind: DhcpLease
      metadata: {name: blue.10.0.0.10, namespace: tenants,
                 labels: {kvswitch.io/network: blue, kvswitch.io/node: node-a}}
      spec:
        network: blue
        ip: 10.0.0.10
        clientId: hw-1-02000000aa01
        mac: 02:00:00:00:aa:01
        hostname: db-0
        owner: {kind: VirtualMachineInstance, name: db-0}
        node: node-a
        state: Bound
        expiresAt: "2026-01-01T01:00:00Z"
      """;

  private static final String BLOCK =
      """
      apiVersion: kvswitch.io/v1alpha1
      kind: AddressBlock
      metadata: {name: blue.block-0, namespace: tenants}
      spec: {network: blue, index: 0, range: 10.0.0.10-10.0.0.17, node: node-a, state: Claimed}
      """;

  private static final String LEASE_BLOCK =
      """
      apiVersion: kvswitch.io/v1alpha1
      kind: DhcpLeaseBlock
      metadata: {name: blue.10.0.0.8-29, namespace: tenants, labels: {kvswitch.io/network: blue}}
      spec:
        network: blue
        range: 10.0.0.8-10.0.0.15
        bound: 1
        records:
          10.0.0.10:
            clientId: hw-1-02000000aa01
            mac: 02:00:00:00:aa:01
            owner: {kind: VirtualMachineInstance, name: db-0}
            node: node-a
            state: Bound
            expiresAt: "2026-01-01T01:00:00Z"
            revision: 42
      """;

  static Stream<Arguments> badLeases() {
    return Stream.of(
        BadTwin.of("MAC with dashes", set("/spec/mac", "02-00-00-00-aa-01"), "spec.mac", "pattern"),
        BadTwin.of("address octet 256", set("/spec/ip", "10.0.0.256"), "spec.ip", "pattern"),
        BadTwin.of(
            "client key of neither form", set("/spec/clientId", "abc"), "spec.clientId", "pattern"),
        BadTwin.of(
            "unknown state",
            set("/spec/state", "Leased"),
            "spec.state",
            "does not have a value in the enumeration"),
        BadTwin.of(
            "owner that is not a pod or VM",
            set("/spec/owner/kind", "Deployment"),
            "spec.owner.kind",
            "pattern"),
        BadTwin.of("no expiry", remove("/spec/expiresAt"), "spec.expiresAt", "required property"),
        BadTwin.of("no node", remove("/spec/node"), "spec.node", "required property"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLeases")
  void aMalformedLeaseRecordIsRefused(BadTwin twin) {
    twin.assertRefused(leases.validateCreate(twin.applyTo(yaml(LEASE))));
  }

  @Test
  void wellFormedRecordsAreAccepted() {
    assertThat(leases.validateCreate(yaml(LEASE))).isEmpty();
    assertThat(blocks.validateCreate(yaml(BLOCK))).isEmpty();
    assertThat(leaseBlocks.validateCreate(yaml(LEASE_BLOCK))).isEmpty();
  }

  static Stream<Arguments> badLeaseBlocks() {
    String record = "/spec/records/10.0.0.10";
    return Stream.of(
        BadTwin.of(
            "record MAC with dashes",
            set(record + "/mac", "02-00-00-00-aa-01"),
            "spec.records.10.0.0.10.mac",
            "pattern"),
        BadTwin.of(
            "record without revision",
            remove(record + "/revision"),
            "spec.records.10.0.0.10.revision",
            "required property"),
        BadTwin.of(
            "record revision 0",
            set(record + "/revision", "0"),
            "spec.records.10.0.0.10.revision",
            "minimum"),
        BadTwin.of("no range", remove("/spec/range"), "spec.range", "required property"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLeaseBlocks")
  void aMalformedLeaseBlockIsRefused(BadTwin twin) {
    twin.assertRefused(leaseBlocks.validateCreate(twin.applyTo(yaml(LEASE_BLOCK))));
  }

  static Stream<Arguments> badBlocks() {
    return Stream.of(
        BadTwin.of("no node", remove("/spec/node"), "spec.node", "required property"),
        BadTwin.of(
            "unknown state",
            set("/spec/state", "Lost"),
            "spec.state",
            "does not have a value in the enumeration"),
        BadTwin.of("negative index", set("/spec/index", "-1"), "spec.index", "minimum"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBlocks")
  void aMalformedBlockIsRefused(BadTwin twin) {
    twin.assertRefused(blocks.validateCreate(twin.applyTo(yaml(BLOCK))));
  }

  private static ObjectNode yaml(String text) {
    return (ObjectNode) Crds.yamlValue(text);
  }
}
