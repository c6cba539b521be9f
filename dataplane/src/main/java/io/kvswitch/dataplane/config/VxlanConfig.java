package io.kvswitch.dataplane.config;

import java.util.List;

/**
 * The overlay between nodes: each VLAN travels as VNI {@code vniBase + vlanId}.
 *
 * @param localAddress this node's VTEP address (IPv4)
 * @param udpPort the VXLAN UDP port (4789 when absent)
 * @param vniBase added to the VLAN id to make the VNI (0 when absent)
 * @param underlayMtu the underlay's IP MTU; read from the interface of {@code localAddress} when
 *     absent
 */
public record VxlanConfig(
    String localAddress,
    Integer udpPort,
    Integer vniBase,
    Integer underlayMtu,
    List<VxlanPeerConfig> peers) {

  public List<VxlanPeerConfig> peersOrEmpty() {
    return peers == null ? List.of() : peers;
  }
}
