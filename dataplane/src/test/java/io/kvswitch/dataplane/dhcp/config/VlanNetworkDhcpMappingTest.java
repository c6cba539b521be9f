package io.kvswitch.dataplane.dhcp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kvswitch.api.v1alpha1.DhcpReservation;
import io.kvswitch.api.v1alpha1.DhcpRoute;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VirtualSwitchSpec;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import io.kvswitch.dataplane.dhcp.codec.ClasslessRoute;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.Ipv4Subnet;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VlanNetworkDhcpMappingTest {

  private static VlanNetwork network(String subnet, String gateway, DhcpSpec dhcp) {
    VlanNetworkSpec spec = new VlanNetworkSpec();
    spec.setSwitchName("fabric");
    spec.setVlanId(100);
    spec.setSubnet(subnet);
    spec.setGateway(gateway);
    spec.setDhcp(dhcp);
    VlanNetwork network = new VlanNetwork();
    network.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("apps").build());
    network.setSpec(spec);
    return network;
  }

  private static VirtualSwitch switchWithMtu(Integer mtu) {
    VirtualSwitchSpec spec = new VirtualSwitchSpec();
    spec.setMtu(mtu);
    VirtualSwitch virtualSwitch = new VirtualSwitch();
    virtualSwitch.setMetadata(new ObjectMetaBuilder().withName("fabric").build());
    virtualSwitch.setSpec(spec);
    return virtualSwitch;
  }

  private static Ipv4Address ip(String text) {
    return Ipv4Address.parse(text);
  }

  @Test
  void withoutARangeTheWholeSubnetLessNetworkBroadcastAndGatewayIsServed() {
    DhcpNetworkConfig config =
        VlanNetworkDhcpMapping.toConfig(
                network("10.20.0.0/24", "10.20.0.1", new DhcpSpec()), switchWithMtu(9000))
            .orElseThrow();

    assertThat(config.network()).isEqualTo("web");
    assertThat(config.subnet()).isEqualTo(Ipv4Subnet.parse("10.20.0.0/24"));
    assertThat(config.range()).isEqualTo(AddressRange.parse("10.20.0.1", "10.20.0.254"));
    assertThat(config.isDynamic(ip("10.20.0.0"))).isFalse();
    assertThat(config.isDynamic(ip("10.20.0.1"))).as("gateway").isFalse();
    assertThat(config.isDynamic(ip("10.20.0.2"))).isTrue();
    assertThat(config.isDynamic(ip("10.20.0.254"))).isTrue();
    assertThat(config.isDynamic(ip("10.20.0.255"))).isFalse();
    assertThat(config.gateway()).contains(ip("10.20.0.1"));
    assertThat(config.serverId()).isEqualTo(ip("10.20.0.1"));
    assertThat(config.leaseTime()).isEqualTo(Duration.ofHours(1));
    assertThat(config.mtu()).as("the switch's MTU").isEqualTo(OptionalInt.of(9000));
  }

  @Test
  void everyDhcpFieldIsCarriedOver() {
    DhcpSpec dhcp = new DhcpSpec();
    dhcp.setRangeStart("10.20.0.100");
    dhcp.setRangeEnd("10.20.0.199");
    dhcp.setLeaseSeconds(600);
    dhcp.setDnsServers(List.of("10.20.0.53", "1.1.1.1"));
    dhcp.setDomain("apps.example.com");
    dhcp.setMtu(1400);
    DhcpRoute route = new DhcpRoute();
    route.setDestination("192.168.0.0/16");
    route.setNextHop("10.20.0.2");
    dhcp.setRoutes(List.of(route));
    DhcpReservation reservation = new DhcpReservation();
    reservation.setMac("02:AA:00:00:00:01");
    reservation.setIp("10.20.0.10");
    reservation.setHostname("db-0");
    DhcpReservation unnamed = new DhcpReservation();
    unnamed.setMac("02:aa:00:00:00:02");
    unnamed.setIp("10.20.0.11");
    dhcp.setReservations(List.of(reservation, unnamed));
    VlanNetwork network = network("10.20.0.0/24", "10.20.0.1", dhcp);
    network.getSpec().setExcludeIps(List.of("10.20.0.150", "10.20.0.151"));

    DhcpNetworkConfig config =
        VlanNetworkDhcpMapping.toConfig(network, switchWithMtu(9000)).orElseThrow();

    assertThat(config.range()).isEqualTo(AddressRange.parse("10.20.0.100", "10.20.0.199"));
    assertThat(config.excluded()).isEqualTo(Set.of(ip("10.20.0.150"), ip("10.20.0.151")));
    assertThat(config.isDynamic(ip("10.20.0.150"))).isFalse();
    assertThat(config.leaseTime()).isEqualTo(Duration.ofSeconds(600));
    assertThat(config.dnsServers()).containsExactly(ip("10.20.0.53"), ip("1.1.1.1"));
    assertThat(config.domain()).contains("apps.example.com");
    assertThat(config.mtu()).as("dhcp.mtu wins over the switch's").isEqualTo(OptionalInt.of(1400));
    assertThat(config.routes())
        .containsExactly(new ClasslessRoute(Ipv4Subnet.parse("192.168.0.0/16"), ip("10.20.0.2")));
    assertThat(config.reservations())
        .containsExactly(
            new Reservation(
                MacAddress.parse("02:aa:00:00:00:01"), ip("10.20.0.10"), Optional.of("db-0")),
            new Reservation(MacAddress.parse("02:aa:00:00:00:02"), ip("10.20.0.11")));
  }

  @Test
  void withoutAGatewayTheServerIdentifiesItselfWithTheLastHostAddress() {
    DhcpNetworkConfig config =
        VlanNetworkDhcpMapping.toConfig(
                network("10.30.0.0/28", null, new DhcpSpec()), switchWithMtu(1500))
            .orElseThrow();

    assertThat(config.gateway()).isEmpty();
    assertThat(config.serverId()).isEqualTo(ip("10.30.0.14"));
    assertThat(config.isDynamic(ip("10.30.0.14"))).isFalse();
    assertThat(config.isDynamic(ip("10.30.0.1"))).isTrue();
    assertThat(config.isDynamic(ip("10.30.0.13"))).isTrue();
  }

  @Test
  void aNetworkWithoutDhcpOrWithDhcpDisabledHasNoServer() {
    DhcpSpec disabled = new DhcpSpec();
    disabled.setEnabled(false);

    assertThat(
            VlanNetworkDhcpMapping.toConfig(
                network("10.20.0.0/24", "10.20.0.1", null), switchWithMtu(1500)))
        .isEqualTo(Optional.empty());
    assertThat(
            VlanNetworkDhcpMapping.toConfig(
                network("10.20.0.0/24", "10.20.0.1", disabled), switchWithMtu(1500)))
        .isEqualTo(Optional.empty());
  }

  @Test
  void aSwitchWithoutAnMtuLeavesOption26Out() {
    DhcpNetworkConfig config =
        VlanNetworkDhcpMapping.toConfig(
                network("10.20.0.0/24", "10.20.0.1", new DhcpSpec()), switchWithMtu(null))
            .orElseThrow();

    assertThat(config.mtu()).isEmpty();
  }

  @Test
  void whatTheSchemaCannotCatchIsRefusedNamingTheNetwork() {
    DhcpSpec dhcp = new DhcpSpec();
    DhcpReservation onServerId = new DhcpReservation();
    onServerId.setMac("02:aa:00:00:00:01");
    onServerId.setIp("10.30.0.14");
    dhcp.setReservations(List.of(onServerId));

    assertThatThrownBy(
            () ->
                VlanNetworkDhcpMapping.toConfig(
                    network("10.30.0.0/28", null, dhcp), switchWithMtu(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("network web: reserved address 10.30.0.14 is not a usable host address");
  }

  @Test
  void aVlanOfANodeStateMapsLikeItsNetworkWithTheMtuTheOperatorFilledIn() {
    DhcpSpec dhcp = new DhcpSpec();
    dhcp.setMtu(1450);
    DhcpReservation reservation = new DhcpReservation();
    reservation.setMac("02:00:00:00:00:01");
    reservation.setIp("10.20.0.9");
    dhcp.getReservations().add(reservation);
    SwitchNodeVlan vlan = new SwitchNodeVlan();
    vlan.setVlanId(100);
    vlan.setNetwork("apps/web");
    vlan.setSubnet("10.20.0.0/24");
    vlan.setExcludeIps(List.of("10.20.0.2"));
    vlan.setDhcp(dhcp);

    DhcpNetworkConfig config = VlanNetworkDhcpMapping.toConfig(vlan).orElseThrow();

    assertThat(config.network()).isEqualTo("web");
    assertThat(config.serverId()).as("no gateway: the last host").isEqualTo(ip("10.20.0.254"));
    assertThat(config.isDynamic(ip("10.20.0.2"))).isFalse();
    assertThat(config.isDynamic(ip("10.20.0.254"))).isFalse();
    assertThat(config.mtu()).isEqualTo(OptionalInt.of(1450));
    assertThat(config.reservationFor(MacAddress.parse("02:00:00:00:00:01")).orElseThrow().address())
        .isEqualTo(ip("10.20.0.9"));

    dhcp.setEnabled(false);
    assertThat(VlanNetworkDhcpMapping.toConfig(vlan)).isEmpty();
  }
}
