package io.kvswitch.dataplane.dhcp.server;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;
import io.kvswitch.dataplane.dhcp.config.DhcpNetworkConfig;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the option handlers know about the reply they fill.
 *
 * @param request the client's message
 * @param type OFFER, ACK or NAK
 * @param config the network
 * @param network the options that follow from {@code config} alone, encoded once per server
 * @param leaseSeconds the lease time granted, empty for NAK and for the ACK of an INFORM
 * @param nakReason the text of option 56 in a NAK
 */
public record ReplyContext(
    DhcpMessage request,
    DhcpMessageType type,
    DhcpNetworkConfig config,
    DhcpOptions network,
    OptionalLong leaseSeconds,
    Optional<String> nakReason) {

  /**
   * Whether the client wants an option: it listed it in option 55, or sent no list at all (then it
   * gets everything the network configures).
   */
  public boolean wants(int code) {
    DhcpOptions options = request.options();
    return !options.contains(DhcpOptionCodes.PARAMETER_REQUEST_LIST) || options.requests(code);
  }

  public boolean isNak() {
    return type == DhcpMessageType.NAK;
  }
}
