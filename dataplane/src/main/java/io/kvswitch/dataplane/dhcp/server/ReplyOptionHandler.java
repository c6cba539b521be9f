package io.kvswitch.dataplane.dhcp.server;

import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;

/** One link of the chain that fills a reply's options; each handler owns one concern. */
@FunctionalInterface
public interface ReplyOptionHandler {

  void addOptions(ReplyContext context, DhcpOptions.Builder options);
}
