package io.kvswitch.dataplane.dhcp.lease;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import java.util.HexFormat;

/**
 * What identifies a client for its lease (RFC 2131 §4.2): the client identifier (option 61) when
 * the client sent one, otherwise its hardware type and address. Held as text so that a store can
 * use it as a label or a key as it is.
 *
 * @param value {@code id-<hex of option 61>} or {@code hw-<htype>-<hex of chaddr>}
 */
public record ClientKey(String value) {

  private static final HexFormat HEX = HexFormat.of();

  /** The key of the client that sent {@code message}. */
  public static ClientKey of(DhcpMessage message) {
    return message
        .options()
        .clientId()
        .map(id -> new ClientKey("id-" + HEX.formatHex(id)))
        .orElseGet(
            () ->
                new ClientKey(
                    "hw-"
                        + message.htype()
                        + "-"
                        + HEX.formatHex(message.chaddr(), 0, message.hlen())));
  }

  @Override
  public String toString() {
    return value;
  }
}
