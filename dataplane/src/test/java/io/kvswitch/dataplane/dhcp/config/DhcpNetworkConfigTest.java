package io.kvswitch.dataplane.dhcp.config;

import static io.kvswitch.dataplane.dhcp.net.Ipv4Address.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DhcpNetworkConfigTest {

  @Test
  void defaultsAreWhatAnOperatorExpects() {
    DhcpNetworkConfig config =
        DhcpNetworkConfig.builder("blue", "10.0.0.0/24").gateway("10.0.0.1").build();

    assertThat(config.range()).isEqualTo(AddressRange.parse("10.0.0.1", "10.0.0.254"));
    assertThat(config.serverId()).isEqualTo(parse("10.0.0.1"));
    assertThat(config.leaseTime().toSeconds()).isEqualTo(3600);
    assertThat(config.isDynamic(parse("10.0.0.1"))).as("gateway").isFalse();
    assertThat(config.isDynamic(parse("10.0.0.2"))).isTrue();
  }

  @Test
  void inconsistentConfigurationIsRefusedWithAReadableMessage() {
    assertThatThrownBy(
            () ->
                DhcpNetworkConfig.builder("blue", "10.0.0.0/24")
                    .gateway("10.0.0.1")
                    .range("10.0.0.10", "10.0.1.20")
                    .build())
        .hasMessage(
            "network blue: range 10.0.0.10-10.0.1.20 must lie inside 10.0.0.0/24, without network"
                + " and broadcast");
    assertThatThrownBy(
            () -> DhcpNetworkConfig.builder("blue", "10.0.0.0/24").gateway("10.0.1.1").build())
        .hasMessage("network blue: gateway 10.0.1.1 is not a host of 10.0.0.0/24");
    assertThatThrownBy(() -> DhcpNetworkConfig.builder("blue", "10.0.0.0/24").build())
        .hasMessage("network blue: without a gateway, set a server identifier");
    assertThatThrownBy(
            () ->
                DhcpNetworkConfig.builder("blue", "10.0.0.0/24")
                    .gateway("10.0.0.1")
                    .reserve("02:00:00:00:00:01", "10.0.0.1")
                    .build())
        .hasMessage("network blue: reserved address 10.0.0.1 is not a usable host address");
    assertThatThrownBy(
            () ->
                DhcpNetworkConfig.builder("blue", "10.0.0.0/24")
                    .gateway("10.0.0.1")
                    .reserve("02:00:00:00:00:01", "10.0.0.5")
                    .reserve("02:00:00:00:00:02", "10.0.0.5")
                    .build())
        .hasMessageContaining("duplicates another");
    assertThatThrownBy(
            () ->
                DhcpNetworkConfig.builder("blue", "10.0.0.0/24")
                    .gateway("10.0.0.1")
                    .mtu(40)
                    .build())
        .hasMessage("network blue: MTU must be 68..65535");
  }

  @Test
  void subnetsRefuseHostBitsAndKnowTheirEdges() {
    assertThatThrownBy(() -> io.kvswitch.dataplane.dhcp.net.Ipv4Subnet.parse("10.0.0.5/24"))
        .hasMessageContaining("did you mean 10.0.0.0/24?");
    var subnet = io.kvswitch.dataplane.dhcp.net.Ipv4Subnet.parse("10.0.0.0/30");
    assertThat(subnet.isHost(parse("10.0.0.0"))).isFalse();
    assertThat(subnet.isHost(parse("10.0.0.3"))).isFalse();
    assertThat(subnet.isHost(parse("10.0.0.2"))).isTrue();
    assertThat(subnet.mask()).isEqualTo(parse("255.255.255.252"));
  }
}
