package io.kvswitch.dataplane.dhcp.config;

import io.kvswitch.api.v1alpha1.DhcpReservation;
import io.kvswitch.api.v1alpha1.DhcpRoute;
import io.kvswitch.api.v1alpha1.DhcpSpec;
import io.kvswitch.api.v1alpha1.SwitchNodeVlan;
import io.kvswitch.api.v1alpha1.VirtualSwitch;
import io.kvswitch.api.v1alpha1.VlanNetwork;
import io.kvswitch.api.v1alpha1.VlanNetworkSpec;
import io.kvswitch.dataplane.dhcp.codec.ClasslessRoute;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.Ipv4Subnet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Builds the DHCP server's configuration from a VlanNetwork and the VirtualSwitch that carries it.
 *
 * <ul>
 *   <li>No {@code dhcp} section, or {@code enabled: false}: no server.
 *   <li>Range: {@code rangeStart}-{@code rangeEnd}, else the whole subnet; the network and
 *       broadcast addresses, the gateway, {@code excludeIps} and reserved addresses are never
 *       handed out from it.
 *   <li>Server identifier: the gateway. Without a gateway, the subnet's last host address, which is
 *       then never handed out and which the switch answers ARP for (see dataplane/DHCP.md).
 *   <li>MTU (option 26): {@code dhcp.mtu}, else the switch's MTU.
 * </ul>
 *
 * <p>The API server has already refused what its schema and CEL rules catch; whatever is left wrong
 * (an address the rules cannot see, such as a reservation on the server identifier) makes {@link
 * DhcpNetworkConfig} throw {@link IllegalArgumentException} with a message naming the network,
 * which the agent reports as a condition instead of serving a wrong configuration.
 */
public final class VlanNetworkDhcpMapping {

  private VlanNetworkDhcpMapping() {}

  /**
   * @param network the VlanNetwork; its name becomes the configuration's network name
   * @param virtualSwitch the switch named by {@code spec.switch}
   * @return the server's configuration, or empty when the network has no DHCP service
   * @throws IllegalArgumentException when the network's addresses do not fit together
   */
  public static Optional<DhcpNetworkConfig> toConfig(
      VlanNetwork network, VirtualSwitch virtualSwitch) {
    VlanNetworkSpec spec = network.getSpec();
    Integer switchMtu = virtualSwitch.getSpec() == null ? null : virtualSwitch.getSpec().getMtu();
    return toConfig(
        network.getMetadata().getName(),
        spec.getSubnet(),
        spec.getGateway(),
        spec.getExcludeIps(),
        spec.getDhcp(),
        switchMtu);
  }

  /**
   * The same mapping for a VLAN as the operator compiled it into a node's state, where the {@code
   * dhcp} section already carries the switch's MTU when the network left it out.
   *
   * @param vlan the VLAN; its {@code network} is {@code namespace/name}, and the name becomes the
   *     configuration's network name
   */
  public static Optional<DhcpNetworkConfig> toConfig(SwitchNodeVlan vlan) {
    if (vlan.getSubnet() == null) {
      return Optional.empty();
    }
    String network = vlan.getNetwork();
    String name = network.substring(network.indexOf('/') + 1);
    return toConfig(
        name, vlan.getSubnet(), vlan.getGateway(), vlan.getExcludeIps(), vlan.getDhcp(), null);
  }

  private static Optional<DhcpNetworkConfig> toConfig(
      String name,
      String subnet,
      String gateway,
      List<String> excludeIps,
      DhcpSpec dhcp,
      Integer switchMtu) {
    if (dhcp == null || Boolean.FALSE.equals(dhcp.getEnabled())) {
      return Optional.empty();
    }
    DhcpNetworkConfig.Builder config = DhcpNetworkConfig.builder(name, subnet);
    if (gateway != null) {
      config.gateway(gateway);
    } else {
      config.serverId(Ipv4Subnet.parse(subnet).broadcast().plus(-1).toString());
    }
    if (dhcp.getRangeStart() != null && dhcp.getRangeEnd() != null) {
      config.range(dhcp.getRangeStart(), dhcp.getRangeEnd());
    }
    config.exclude(excludeIps.toArray(String[]::new));
    if (dhcp.getLeaseSeconds() != null) {
      config.leaseTime(Duration.ofSeconds(dhcp.getLeaseSeconds()));
    }
    config.dnsServers(dhcp.getDnsServers().toArray(String[]::new));
    if (dhcp.getDomain() != null) {
      config.domain(dhcp.getDomain());
    }
    config.routes(routes(dhcp.getRoutes()));
    Integer mtu = dhcp.getMtu() != null ? dhcp.getMtu() : switchMtu;
    if (mtu != null) {
      config.mtu(mtu);
    }
    for (DhcpReservation reservation : dhcp.getReservations()) {
      if (reservation.getHostname() != null) {
        config.reserve(reservation.getMac(), reservation.getIp(), reservation.getHostname());
      } else {
        config.reserve(reservation.getMac(), reservation.getIp());
      }
    }
    return Optional.of(config.build());
  }

  private static List<ClasslessRoute> routes(List<DhcpRoute> routes) {
    return routes.stream()
        .map(
            r ->
                new ClasslessRoute(
                    Ipv4Subnet.parse(r.getDestination()), Ipv4Address.parse(r.getNextHop())))
        .toList();
  }
}
