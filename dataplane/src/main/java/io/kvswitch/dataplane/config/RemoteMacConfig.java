package io.kvswitch.dataplane.config;

/** A MAC in a VLAN that lives behind a peer VTEP. */
public record RemoteMacConfig(Integer vlan, String mac) {}
