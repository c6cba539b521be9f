package io.kvswitch.dataplane.dhcp.server;

import io.kvswitch.dataplane.dhcp.codec.ClasslessRoute;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.Ipv4Subnet;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply options that follow from the network's configuration alone, encoded once per server:
 * every OFFER and ACK then copies their bytes by reference instead of building them again. The
 * option handlers still decide, per reply, which of them go out.
 */
final class NetworkOptions {

  private NetworkOptions() {}

  /**
   * Options 54, 1, 3, 6, 15, 26 and 121 as configured; 121 with a default route via the gateway
   * added unless the configured routes have one, since a client that takes 121 ignores option 3
   * (RFC 3442).
   */
  static DhcpOptions of(DhcpNetworkConfig config) {
    DhcpOptions.Builder options =
        DhcpOptions.builder().serverId(config.serverId()).subnetMask(config.subnet().mask());
    config.gateway().ifPresent(gateway -> options.routers(List.of(gateway)));
    if (!config.dnsServers().isEmpty()) {
      options.dnsServers(config.dnsServers());
    }
    config.domain().ifPresent(options::domainName);
    config.mtu().ifPresent(options::interfaceMtu);
    if (!config.routes().isEmpty()) {
      List<ClasslessRoute> routes = new ArrayList<>(config.routes());
      boolean hasDefault = routes.stream().anyMatch(r -> r.destination().prefixLength() == 0);
      if (!hasDefault && config.gateway().isPresent()) {
        routes.add(
            new ClasslessRoute(new Ipv4Subnet(Ipv4Address.ANY, 0), config.gateway().orElseThrow()));
      }
      options.classlessStaticRoutes(routes);
    }
    return options.build();
  }
}
