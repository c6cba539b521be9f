package io.kvswitch.dataplane.tunnel;

import io.kvswitch.dataplane.engine.VlanSet;
import java.net.Inet4Address;

/**
 * Another node's VTEP and the VLANs it carries: flooded frames of those VLANs are replicated to it,
 * and only VNIs of those VLANs are accepted from it.
 */
public record VxlanPeer(String name, Inet4Address address, VlanSet vlans) {}
