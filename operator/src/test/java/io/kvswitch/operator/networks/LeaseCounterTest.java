package io.kvswitch.operator.networks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlock;
import io.kvswitch.api.v1alpha1.DhcpLeaseBlockSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseRecord;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.DhcpReservation;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaseCounterTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static VlanNetworkSpec network(String gateway, DhcpSpec dhcp) {
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSubnet("10.9.0.0/29");
    spec.setGateway(gateway);
    spec.setDhcp(dhcp);
    return spec;
  }

  private static DhcpLeaseRecord record(DhcpLeaseState state, Instant expiresAt, long revision) {
    DhcpLeaseRecord record = new DhcpLeaseRecord();
    record.setClientId("hw-1-020000000001");
    record.setMac("02:00:00:00:00:01");
    record.setNode("n1");
    record.setState(state);
    record.setExpiresAt(expiresAt == null ? null : expiresAt.toString());
    record.setRevision(revision);
    return record;
  }

  private static DhcpLeaseRecord record(DhcpLeaseState state, Instant expiresAt) {
    return record(state, expiresAt, 1);
  }

  private static DhcpLeaseBlock block(String name, Map<String, DhcpLeaseRecord> records) {
    DhcpLeaseBlockSpec spec = new DhcpLeaseBlockSpec();
    spec.setNetwork("n");
    spec.setRange("10.9.0.0-10.9.0.7");
    spec.setRecords(new LinkedHashMap<>(records));
    DhcpLeaseBlock block = new DhcpLeaseBlock();
    block.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("x").build());
    block.setSpec(spec);
    return block;
  }

  @Test
  void withoutDhcpThereAreNoCounts() {
    assertThat(LeaseCounter.count(network("10.9.0.1", null), List.of(), NOW)).isEmpty();
    DhcpSpec off = new DhcpSpec();
    off.setEnabled(false);
    assertThat(LeaseCounter.count(network("10.9.0.1", off), List.of(), NOW)).isEmpty();
  }

  @Test
  void theWholeSubnetLessGatewayOrTheServersOwnAddressIsThePool() {
    // /29: hosts .1 to .6.
    var withGateway = LeaseCounter.count(network("10.9.0.1", new DhcpSpec()), List.of(), NOW);
    assertThat(withGateway.orElseThrow().counts().getTotal()).isEqualTo(5);
    var withoutGateway = LeaseCounter.count(network(null, new DhcpSpec()), List.of(), NOW);
    assertThat(withoutGateway.orElseThrow().counts().getTotal())
        .as(".6 is the server's own")
        .isEqualTo(5);
  }

  @Test
  void boundRecordsAreUsedDeclinedOnesAreNotFreeAndEndedOnesAreFree() {
    List<DhcpLeaseBlock> blocks =
        List.of(
            block(
                "n.block-0",
                Map.of(
                    "10.9.0.2", record(DhcpLeaseState.Bound, NOW.plusSeconds(60)),
                    "10.9.0.3", record(DhcpLeaseState.Bound, NOW.minusSeconds(1)),
                    "10.9.0.4", record(DhcpLeaseState.Declined, NOW.plusSeconds(30)))),
            block(
                "n.block-1",
                Map.of(
                    "10.9.0.5", record(DhcpLeaseState.Released, NOW.minusSeconds(100)),
                    "10.9.0.6", record(DhcpLeaseState.Bound, NOW.plusSeconds(90)))));

    var result = LeaseCounter.count(network("10.9.0.1", new DhcpSpec()), blocks, NOW).orElseThrow();

    assertThat(result.counts().getTotal()).isEqualTo(5);
    assertThat(result.counts().getUsed()).as(".2 and .6, from two blocks").isEqualTo(2);
    assertThat(result.counts().getFree()).as(".3 and .5; .4 is quarantined").isEqualTo(2);
    assertThat(result.nextChange()).as("the quarantine of .4 ends").contains(NOW.plusSeconds(30));
  }

  @Test
  void aRangeExcludedAndReservedAddressesBoundThePool() {
    DhcpSpec dhcp = new DhcpSpec();
    dhcp.setRangeStart("10.9.0.3");
    dhcp.setRangeEnd("10.9.0.6");
    DhcpReservation inRange = new DhcpReservation();
    inRange.setMac("02:00:00:00:00:01");
    inRange.setIp("10.9.0.6");
    DhcpReservation outside = new DhcpReservation();
    outside.setMac("02:00:00:00:00:02");
    outside.setIp("10.9.0.2");
    dhcp.getReservations().addAll(List.of(inRange, outside));
    VlanNetworkSpec spec = network("10.9.0.1", dhcp);
    spec.setExcludeIps(List.of("10.9.0.4"));
    List<DhcpLeaseBlock> blocks =
        List.of(
            block(
                "n.block-0",
                Map.of(
                    "10.9.0.6", record(DhcpLeaseState.Bound, NOW.plusSeconds(60)),
                    "10.9.0.4", record(DhcpLeaseState.Declined, NOW.plusSeconds(60)),
                    "10.9.0.5", record(DhcpLeaseState.Bound, NOW.plusSeconds(60)))),
            // The reserved address outside the range, in another block.
            block(
                DhcpLeaseBlock.nameOf("n", "10.9.0.0", 30),
                Map.of("10.9.0.2", record(DhcpLeaseState.Bound, NOW.plusSeconds(10)))));

    var result = LeaseCounter.count(spec, blocks, NOW).orElseThrow();

    assertThat(result.counts().getTotal()).as(".3 and .5").isEqualTo(2);
    assertThat(result.counts().getUsed()).as(".5 only: .6 and .2 are reserved").isEqualTo(1);
    assertThat(result.counts().getFree()).as(".3; the excluded .4 is no quarantine").isEqualTo(1);
    assertThat(result.nextChange())
        .as("only counted records change the counts")
        .contains(NOW.plusSeconds(60));
  }

  @Test
  void malformedRecordsAreSkippedAndTheRestCounted() {
    Map<String, DhcpLeaseRecord> records = new LinkedHashMap<>();
    records.put("10.9.0.300", record(DhcpLeaseState.Bound, NOW.plusSeconds(60)));
    records.put("not-an-address", record(DhcpLeaseState.Bound, NOW.plusSeconds(60)));
    records.put("10.9.0", record(DhcpLeaseState.Bound, NOW.plusSeconds(60)));
    records.put("10.9.0.2", record(DhcpLeaseState.Bound, null));
    DhcpLeaseRecord badTime = record(DhcpLeaseState.Bound, NOW.plusSeconds(60));
    badTime.setExpiresAt("tomorrow");
    records.put("10.9.0.3", badTime);
    records.put("10.9.0.4", record(null, NOW.plusSeconds(60)));
    records.put("10.9.0.5", null);
    records.put("10.9.0.6", record(DhcpLeaseState.Bound, NOW.plusSeconds(60)));
    DhcpLeaseBlock withoutSpec = new DhcpLeaseBlock();
    withoutSpec.setMetadata(
        new ObjectMetaBuilder().withName("n.block-1").withNamespace("x").build());

    var result =
        LeaseCounter.count(
                network("10.9.0.1", new DhcpSpec()),
                List.of(block("n.block-0", records), withoutSpec),
                NOW)
            .orElseThrow();

    assertThat(result.counts().getTotal()).isEqualTo(5);
    assertThat(result.counts().getUsed()).as("only .6 is well-formed").isEqualTo(1);
    assertThat(result.counts().getFree()).isEqualTo(4);
    assertThat(result.nextChange()).contains(NOW.plusSeconds(60));
  }

  @Test
  void anAddressInTwoBlocksCountsByItsLatestRecord() {
    // After the range is cut anew, an old block may still hold a record of an address.
    List<DhcpLeaseBlock> blocks =
        List.of(
            block(
                "n.block-0",
                Map.of("10.9.0.2", record(DhcpLeaseState.Bound, NOW.plusSeconds(60), 7))),
            block(
                "n.block-1",
                Map.of("10.9.0.2", record(DhcpLeaseState.Released, NOW.minusSeconds(5), 9))),
            block(
                "n.block-2",
                Map.of("10.9.0.3", record(DhcpLeaseState.Bound, NOW.plusSeconds(60), 4))),
            block(
                "n.block-3",
                Map.of("10.9.0.3", record(DhcpLeaseState.Released, NOW.minusSeconds(5), 3))));

    var result = LeaseCounter.count(network("10.9.0.1", new DhcpSpec()), blocks, NOW).orElseThrow();

    assertThat(result.counts().getUsed())
        .as(".2 was released after its lease (revision 9), .3 leased after its release")
        .isEqualTo(1);
    assertThat(result.counts().getFree()).isEqualTo(4);
  }
}
