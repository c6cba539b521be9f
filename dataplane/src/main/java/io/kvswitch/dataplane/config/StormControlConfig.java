package io.kvswitch.dataplane.config;

/** Storm-control limits in frames per second; absent or 0 means no limit. */
public record StormControlConfig(
    Long broadcastPps, Long multicastPps, Long unknownUnicastPps, Long burst) {}
