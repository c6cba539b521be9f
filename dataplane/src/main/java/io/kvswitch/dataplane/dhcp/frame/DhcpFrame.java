package io.kvswitch.dataplane.dhcp.frame;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.OptionalInt;

/**
 * A DHCP message taken out of an Ethernet frame, with the addresses it travelled with.
 *
 * @param sourceMac Ethernet source (the client, or a relay)
 * @param destinationMac Ethernet destination
 * @param vlan the 802.1Q VLAN id when the frame was tagged
 * @param sourceIp IPv4 source (0.0.0.0 for a client without an address)
 * @param destinationIp IPv4 destination (255.255.255.255 or the server identifier)
 * @param sourcePort UDP source port
 * @param message the decoded DHCP message
 */
public record DhcpFrame(
    MacAddress sourceMac,
    MacAddress destinationMac,
    OptionalInt vlan,
    Ipv4Address sourceIp,
    Ipv4Address destinationIp,
    int sourcePort,
    DhcpMessage message) {}
