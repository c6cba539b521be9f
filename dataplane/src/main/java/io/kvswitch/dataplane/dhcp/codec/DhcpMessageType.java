package io.kvswitch.dataplane.dhcp.codec;

import java.util.Optional;

/** Values of option 53 (RFC 2132 §9.6). */
public enum DhcpMessageType {
  DISCOVER(1),
  OFFER(2),
  REQUEST(3),
  DECLINE(4),
  ACK(5),
  NAK(6),
  RELEASE(7),
  INFORM(8);

  private final int code;

  DhcpMessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type for a wire value, or empty for values this server does not speak. */
  public static Optional<DhcpMessageType> of(int code) {
    return code >= 1 && code <= 8 ? Optional.of(values()[code - 1]) : Optional.empty();
  }
}
