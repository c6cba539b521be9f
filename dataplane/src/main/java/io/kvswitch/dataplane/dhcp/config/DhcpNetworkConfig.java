package io.kvswitch.dataplane.dhcp.config;

import io.kvswitch.dataplane.dhcp.codec.ClasslessRoute;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.Ipv4Subnet;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the DHCP server of one VLAN network hands out. The agent builds it from the network's {@code
 * dhcp} section; every cross-field rule is checked here too, so a server never runs with a
 * configuration that could hand out the gateway or an address outside the subnet.
 *
 * @param network the network's name, used in logs and conditions
 * @param subnet the IPv4 subnet of the VLAN
 * @param gateway the default router, if the VLAN has one
 * @param serverId the address the server identifies itself with (option 54); the node has no
 *     address on the VLAN, so this is the gateway, or without one an address kept for the server
 *     (see "Server identity" in dataplane/DHCP.md for where unicast renewals go)
 * @param range the dynamic range
 * @param excluded addresses inside the range that are never handed out
 * @param leaseTime lease duration
 * @param dnsServers option 6, in order
 * @param domain option 15
 * @param routes option 121
 * @param mtu option 26
 * @param reservations fixed addresses per MAC
 * @param declineQuarantine how long an address a client declined (RFC 2131 §3.1.5: it found the
 *     address in use) stays out of the pool
 * @param offerHold how long an offered address stays held for the client that was offered it
 */
public record DhcpNetworkConfig(
    String network,
    Ipv4Subnet subnet,
    Optional<Ipv4Address> gateway,
    Ipv4Address serverId,
    AddressRange range,
    Set<Ipv4Address> excluded,
    Duration leaseTime,
    List<Ipv4Address> dnsServers,
    Optional<String> domain,
    List<ClasslessRoute> routes,
    OptionalInt mtu,
    List<Reservation> reservations,
    Duration declineQuarantine,
    Duration offerHold) {

  public DhcpNetworkConfig {
    Objects.requireNonNull(network, "network");
    excluded = Set.copyOf(excluded);
    dnsServers = List.copyOf(dnsServers);
    routes = List.copyOf(routes);
    reservations = List.copyOf(reservations);
    String where = "network " + network + ": ";
    if (!subnet.isHost(range.first()) || !subnet.isHost(range.last())) {
      throw new IllegalArgumentException(
          where
              + "range "
              + range
              + " must lie inside "
              + subnet
              + ", without network and broadcast");
    }
    gateway.ifPresent(
        gw -> {
          if (!subnet.isHost(gw)) {
            throw new IllegalArgumentException(
                where + "gateway " + gw + " is not a host of " + subnet);
          }
        });
    if (serverId.isAny()) {
      throw new IllegalArgumentException(where + "server identifier must not be 0.0.0.0");
    }
    if (leaseTime.toSeconds() < 60 || leaseTime.toSeconds() > 0xffff_fffeL) {
      throw new IllegalArgumentException(where + "lease time must be between 60 s and 2^32-2 s");
    }
    if (mtu.isPresent() && (mtu.getAsInt() < 68 || mtu.getAsInt() > 65535)) {
      throw new IllegalArgumentException(where + "MTU must be 68..65535");
    }
    if (declineQuarantine.isNegative() || offerHold.isNegative()) {
      throw new IllegalArgumentException(where + "durations must not be negative");
    }
    Map<MacAddress, Ipv4Address> byMac = new HashMap<>();
    Set<Ipv4Address> reserved = new HashSet<>();
    for (Reservation r : reservations) {
      if (!subnet.isHost(r.address())
          || gateway.filter(r.address()::equals).isPresent()
          || r.address().equals(serverId)) {
        throw new IllegalArgumentException(
            where + "reserved address " + r.address() + " is not a usable host address");
      }
      if (byMac.put(r.mac(), r.address()) != null || !reserved.add(r.address())) {
        throw new IllegalArgumentException(
            where + "reservation " + r.mac() + " -> " + r.address() + " duplicates another");
      }
    }
  }

  public static Builder builder(String network, String subnetCidr) {
    return new Builder(network, Ipv4Subnet.parse(subnetCidr));
  }

  /** The reservation for a MAC, if it has one. */
  public Optional<Reservation> reservationFor(MacAddress mac) {
    for (Reservation r : reservations) {
      if (r.mac().equals(mac)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The reservation that holds an address, if one does. */
  public Optional<Reservation> reservationOf(Ipv4Address address) {
    for (Reservation r : reservations) {
      if (r.address().equals(address)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the address may ever be handed out dynamically: inside the range, a host of the subnet,
   * and neither the gateway, the server identifier, an excluded address nor reserved.
   */
  public boolean isDynamic(Ipv4Address address) {
    return range.contains(address)
        && subnet.isHost(address)
        && gateway.filter(address::equals).isEmpty()
        && !address.equals(serverId)
        && !excluded.contains(address)
        && reservationOf(address).isEmpty();
  }

  /** Builds a configuration with the defaults a network engineer would expect. */
  public static final class Builder {
    private final String network;
    private final Ipv4Subnet subnet;
    private Optional<Ipv4Address> gateway = Optional.empty();
    private Ipv4Address serverId;
    private AddressRange range;
    private final Set<Ipv4Address> excluded = new HashSet<>();
    private Duration leaseTime = Duration.ofHours(1);
    private List<Ipv4Address> dnsServers = List.of();
    private Optional<String> domain = Optional.empty();
    private List<ClasslessRoute> routes = List.of();
    private OptionalInt mtu = OptionalInt.empty();
    private final List<Reservation> reservations = new ArrayList<>();
    private Duration declineQuarantine = Duration.ofMinutes(10);
    private Duration offerHold = Duration.ofSeconds(30);

    private Builder(String network, Ipv4Subnet subnet) {
      this.network = network;
      this.subnet = subnet;
    }

    /** Sets the gateway; it also becomes the server identifier unless one is set. */
    public Builder gateway(String address) {
      this.gateway = Optional.of(Ipv4Address.parse(address));
      return this;
    }

    public Builder serverId(String address) {
      this.serverId = Ipv4Address.parse(address);
      return this;
    }

    public Builder range(String first, String last) {
      this.range = AddressRange.parse(first, last);
      return this;
    }

    public Builder exclude(String... addresses) {
      for (String a : addresses) {
        excluded.add(Ipv4Address.parse(a));
      }
      return this;
    }

    public Builder leaseTime(Duration leaseTime) {
      this.leaseTime = leaseTime;
      return this;
    }

    public Builder dnsServers(String... servers) {
      this.dnsServers = java.util.Arrays.stream(servers).map(Ipv4Address::parse).toList();
      return this;
    }

    public Builder domain(String domain) {
      this.domain = Optional.of(domain);
      return this;
    }

    public Builder routes(List<ClasslessRoute> routes) {
      this.routes = routes;
      return this;
    }

    public Builder mtu(int mtu) {
      this.mtu = OptionalInt.of(mtu);
      return this;
    }

    public Builder reserve(String mac, String address) {
      reservations.add(new Reservation(MacAddress.parse(mac), Ipv4Address.parse(address)));
      return this;
    }

    /** A reservation whose client is also told its host name (option 12). */
    public Builder reserve(String mac, String address, String hostname) {
      reservations.add(
          new Reservation(
              MacAddress.parse(mac), Ipv4Address.parse(address), Optional.of(hostname)));
      return this;
    }

    public Builder declineQuarantine(Duration quarantine) {
      this.declineQuarantine = quarantine;
      return this;
    }

    public Builder offerHold(Duration hold) {
      this.offerHold = hold;
      return this;
    }

    /** Builds and checks; the range defaults to every host of the subnet. */
    public DhcpNetworkConfig build() {
      AddressRange effectiveRange =
          range != null
              ? range
              : new AddressRange(subnet.network().plus(1), subnet.broadcast().plus(-1));
      Ipv4Address effectiveServerId =
          serverId != null
              ? serverId
              : gateway.orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "network " + network + ": without a gateway, set a server identifier"));
      return new DhcpNetworkConfig(
          network,
          subnet,
          gateway,
          effectiveServerId,
          effectiveRange,
          excluded,
          leaseTime,
          dnsServers,
          domain,
          routes,
          mtu,
          reservations,
          declineQuarantine,
          offerHold);
    }
  }
}
