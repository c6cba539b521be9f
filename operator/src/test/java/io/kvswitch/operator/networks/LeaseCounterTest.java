package io.kvswitch.operator.networks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.DhcpLease;
import io.kvswitch.api.v1alpha1.DhcpLeaseSpec;
import io.kvswitch.api.v1alpha1.DhcpLeaseState;
import io.kvswitch.api.v1alpha1.DhcpReservation;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import java.time.Instant;
import java.util.List;
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

  private static DhcpLease lease(String ip, DhcpLeaseState state, Instant expiresAt) {
    DhcpLeaseSpec spec = new DhcpLeaseSpec();
    spec.setNetwork("n");
    spec.setIp(ip);
    spec.setState(state);
    spec.setExpiresAt(expiresAt.toString());
    DhcpLease lease = new DhcpLease();
    lease.setMetadata(new ObjectMetaBuilder().withName("n." + ip).withNamespace("x").build());
    lease.setSpec(spec);
    return lease;
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
  void boundLeasesAreUsedDeclinedOnesAreNotFreeAndEndedOnesAreFree() {
    List<DhcpLease> leases =
        List.of(
            lease("10.9.0.2", DhcpLeaseState.Bound, NOW.plusSeconds(60)),
            lease("10.9.0.3", DhcpLeaseState.Bound, NOW.minusSeconds(1)),
            lease("10.9.0.4", DhcpLeaseState.Declined, NOW.plusSeconds(30)),
            lease("10.9.0.5", DhcpLeaseState.Released, NOW.minusSeconds(100)),
            lease("10.9.0.6", DhcpLeaseState.Bound, NOW.plusSeconds(90)));

    var result = LeaseCounter.count(network("10.9.0.1", new DhcpSpec()), leases, NOW).orElseThrow();

    assertThat(result.counts().getTotal()).isEqualTo(5);
    assertThat(result.counts().getUsed()).isEqualTo(2);
    assertThat(result.counts().getFree()).isEqualTo(2);
    assertThat(result.nextChange()).contains(NOW.plusSeconds(30));
  }

  @Test
  void aRangeExcludedAndReservedAddressesBoundThePool() {
    DhcpSpec dhcp = new DhcpSpec();
    dhcp.setRangeStart("10.9.0.3");
    dhcp.setRangeEnd("10.9.0.6");
    DhcpReservation reservation = new DhcpReservation();
    reservation.setMac("02:00:00:00:00:01");
    reservation.setIp("10.9.0.6");
    dhcp.getReservations().add(reservation);
    VlanNetworkSpec spec = network("10.9.0.1", dhcp);
    spec.setExcludeIps(List.of("10.9.0.4", "10.9.0.2"));
    List<DhcpLease> leases =
        List.of(
            lease("10.9.0.6", DhcpLeaseState.Bound, NOW.plusSeconds(60)),
            lease("10.9.0.2", DhcpLeaseState.Bound, NOW.plusSeconds(60)),
            lease("10.9.0.5", DhcpLeaseState.Bound, NOW.plusSeconds(60)));

    var result = LeaseCounter.count(spec, leases, NOW).orElseThrow();

    assertThat(result.counts().getTotal()).as(".3 and .5").isEqualTo(2);
    assertThat(result.counts().getUsed()).isEqualTo(1);
    assertThat(result.counts().getFree()).isEqualTo(1);
  }
}
