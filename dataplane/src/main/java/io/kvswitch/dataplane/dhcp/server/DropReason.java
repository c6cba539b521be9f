package io.kvswitch.dataplane.dhcp.server;

/** Why the server answered a request with silence. Each has a counter. */
public enum DropReason {
  /** op was BOOTREPLY: another server's answer, not for us. */
  NOT_A_REQUEST,
  /** No Ethernet client hardware address. */
  NOT_ETHERNET,
  /** No option 53, or a type a client does not send (OFFER, ACK, NAK, unknown values). */
  UNEXPECTED_MESSAGE_TYPE,
  /** A REQUEST that fits none of the RFC 2131 §4.3.2 states. */
  MALFORMED_REQUEST,
  /** The port or the MAC sent more than its rate allows. */
  RATE_LIMITED,
  /** The MAC already holds as many live leases (under other client identifiers) as allowed. */
  LEASE_LIMIT,
  /** No address was free. */
  POOL_EXHAUSTED,
  /** The client addressed another server (option 54), or chose another server's offer. */
  OTHER_SERVER,
  /** INIT-REBOOT, RENEWING or REBINDING from a client this network has no record of. */
  UNKNOWN_CLIENT,
  /** The lease store could not be written and there was no durable lease to fall back on. */
  STORE_UNAVAILABLE,
  /** DECLINE or RELEASE of an address that is not the sender's. */
  NOT_CLIENTS_ADDRESS
}
