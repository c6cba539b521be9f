package io.kvswitch.dataplane.dhcp.config;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;

/**
 * A fixed address for one MAC. The address may lie outside the dynamic range but must be a host
 * address of the subnet; nobody else is ever offered it.
 */
public record Reservation(MacAddress mac, Ipv4Address address) {}
