/**
 * The DHCP server built into the switch: every VLAN network with DHCP enabled is served by the
 * dataplane of each node that carries it, straight into the access port the request came from.
 *
 * <h2>Layers</h2>
 *
 * <ul>
 *   <li>{@link io.kvswitch.dataplane.dhcp.codec} — the BOOTP/DHCP wire format and stateless
 *       {@code @Sharable} netty handlers, in the style of netty's DNS codec: an immutable {@code
 *       DhcpMessage}, options kept raw with typed accessors, malformed input refused with {@code
 *       CorruptedFrameException} and counted.
 *   <li>{@link io.kvswitch.dataplane.dhcp.server} — the protocol, free of transport: a reply is a
 *       function of (request, network configuration, lease store, clock). RFC 2131 §4.3 message
 *       handling and client states; reply options filled by a chain of small handlers; rate limits
 *       per port and per MAC.
 *   <li>{@link io.kvswitch.dataplane.dhcp.lease} — address choice (RFC 2131 §4.3.1) and the
 *       cluster-wide lease store SPI with its throughput design: per-node address blocks and group
 *       commit. See that package for the durability contract.
 *   <li>{@link io.kvswitch.dataplane.dhcp.frame} — DHCP at layer 2: requests parsed out of Ethernet
 *       frames, replies built as frames (the node has no IP address on the VLAN), and the one
 *       function that decides where a reply goes (RFC 2131 §4.1).
 *   <li>{@link io.kvswitch.dataplane.dhcp.transport} — a standalone UDP transport on port 67, so
 *       that real clients can be tested without the forwarding engine.
 *   <li>{@link io.kvswitch.dataplane.dhcp.config} — the immutable configuration of one network,
 *       which the agent maps from the VlanNetwork resource.
 * </ul>
 *
 * <p>dataplane/DHCP.md describes the design in prose.
 */
package io.kvswitch.dataplane.dhcp;
