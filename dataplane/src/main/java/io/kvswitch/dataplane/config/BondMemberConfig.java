package io.kvswitch.dataplane.config;

/** One physical link of a bond. */
public record BondMemberConfig(String name, String type, String device) {}
