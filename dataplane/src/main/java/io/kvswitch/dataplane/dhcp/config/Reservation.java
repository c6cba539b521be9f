package io.kvswitch.dataplane.dhcp.config;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A fixed address for one MAC. The address may lie outside the dynamic range but must be a host
 * address of the subnet; nobody else is ever offered it.
 *
 * @param hostname the name handed to the client in option 12, instead of echoing its own
 */
public record Reservation(MacAddress mac, Ipv4Address address, Optional<String> hostname) {

  public Reservation {
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(hostname, "hostname");
  }

  public Reservation(MacAddress mac, Ipv4Address address) {
    this(mac, address, Optional.empty());
  }
}
