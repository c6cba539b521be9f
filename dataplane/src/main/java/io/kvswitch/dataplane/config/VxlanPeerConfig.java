package io.kvswitch.dataplane.config;

/**
 * Another node's VTEP.
 *
 * @param vlans the VLANs that node carries, as ranges; flooded frames of those go to it
 */
public record VxlanPeerConfig(String name, String address, String vlans) {}
