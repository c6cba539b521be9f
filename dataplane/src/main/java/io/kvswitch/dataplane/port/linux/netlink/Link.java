package io.kvswitch.dataplane.port.linux.netlink;

import java.util.Optional;

/**
 * What the kernel says about one network interface.
 *
 * @param index its ifindex in its namespace
 * @param name its name
 * @param mac its hardware address, lower case with colons; empty for links without one
 * @param mtu its MTU
 * @param up administratively up ({@code IFF_UP})
 * @param kind the link type's name ({@code veth}, {@code tun}, ...); empty when the kernel names
 *     none
 */
public record Link(
    int index, String name, String mac, int mtu, boolean up, Optional<String> kind) {}
