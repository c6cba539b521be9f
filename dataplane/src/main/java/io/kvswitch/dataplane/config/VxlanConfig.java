package io.kvswitch.dataplane.config;

import java.util.List;

/**
 * The overlay between nodes: each VLAN travels as VNI {@code vniBase + vlanId}.
 *
 * @param localAddress this node's VTEP address
 * @param udpPort the VXLAN UDP port (4789 when absent)
 */
public record VxlanConfig(
    String localAddress, Integer udpPort, Integer vniBase, List<VxlanPeerConfig> peers) {}
