package io.kvswitch.dataplane.tunnel;

import java.net.Inet4Address;
import java.util.List;

/**
 * This node's end of the overlay.
 *
 * @param localAddress the VTEP address: the UDP socket binds here, and the MTU of the interface
 *     that holds it is the underlay MTU
 * @param vniBase VLAN {@code v} travels as VNI {@code vniBase + v}
 * @param underlayMtu the underlay's IP MTU, or 0 to read it from the interface of {@code
 *     localAddress}
 */
public record VxlanSettings(
    Inet4Address localAddress, int udpPort, int vniBase, int underlayMtu, List<VxlanPeer> peers) {

  public VxlanSettings {
    peers = List.copyOf(peers);
  }
}
