package io.kvswitch.dataplane.config;

import java.util.List;

/**
 * Another node's VTEP.
 *
 * @param vlans the VLANs that node carries, as ranges; flooded frames of those go to it
 * @param macs stations the control plane knows to be behind that node: static entries, never aged,
 *     so unicast to them goes straight to the peer without flooding first
 */
public record VxlanPeerConfig(
    String name, String address, String vlans, List<RemoteMacConfig> macs) {

  public List<RemoteMacConfig> macsOrEmpty() {
    return macs == null ? List.of() : macs;
  }
}
