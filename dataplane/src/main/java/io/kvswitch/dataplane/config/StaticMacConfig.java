package io.kvswitch.dataplane.config;

/** A MAC pinned to a port in a VLAN: never aged, never moved. */
public record StaticMacConfig(String port, Integer vlan, String mac) {}
