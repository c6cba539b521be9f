package io.kvswitch.dataplane.testing;

/**
 * A veth pair: {@code hostName} in the test's own namespace (or, from {@link
 * NetworkLab#vethBetween}, in the first namespace), {@code peerName} inside {@code namespace}.
 */
public record Veth(String hostName, String peerName, NetNamespace namespace) {}
