package io.kvswitch.dataplane.dhcp.server;

import io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;
import io.kvswitch.dataplane.dhcp.config.Reservation;
import java.util.List;
import java.util.Optional;

/**
 * The option handlers of a standard reply, in the order their options appear on the wire. Values
 * that depend on the network only come precomputed from {@link ReplyContext#network()}. A NAK
 * carries only the server identifier, the reason and the echoed client and relay options (RFC 2131
 * table 3).
 */
public enum StandardOptionHandlers implements ReplyOptionHandler {

  /** Option 54, in every reply (RFC 2131 table 3: MUST). */
  SERVER_IDENTIFIER {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      o.copy(c.network(), DhcpOptionCodes.SERVER_ID);
    }
  },

  /** Options 51, 58 and 59: T1 at half and T2 at seven eighths of the lease (RFC 2131 §4.4.5). */
  LEASE_TIMES {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      c.leaseSeconds()
          .ifPresent(
              seconds -> {
                o.leaseTime(seconds);
                o.renewalTime(seconds / 2);
                o.rebindingTime(seconds * 7 / 8);
              });
    }
  },

  SUBNET_MASK {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      if (!c.isNak() && c.wants(DhcpOptionCodes.SUBNET_MASK)) {
        o.copy(c.network(), DhcpOptionCodes.SUBNET_MASK);
      }
    }
  },

  ROUTER {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      if (!c.isNak() && c.wants(DhcpOptionCodes.ROUTER)) {
        o.copy(c.network(), DhcpOptionCodes.ROUTER);
      }
    }
  },

  DNS_SERVERS {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      if (!c.isNak() && c.wants(DhcpOptionCodes.DNS_SERVERS)) {
        o.copy(c.network(), DhcpOptionCodes.DNS_SERVERS);
      }
    }
  },

  DOMAIN_NAME {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      if (!c.isNak() && c.wants(DhcpOptionCodes.DOMAIN_NAME)) {
        o.copy(c.network(), DhcpOptionCodes.DOMAIN_NAME);
      }
    }
  },

  INTERFACE_MTU {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      if (!c.isNak() && c.wants(DhcpOptionCodes.INTERFACE_MTU)) {
        o.copy(c.network(), DhcpOptionCodes.INTERFACE_MTU);
      }
    }
  },

  /**
   * Option 121. A client that receives it ignores option 3 (RFC 3442), so the default route via the
   * gateway is added unless the configured routes already have one.
   */
  CLASSLESS_STATIC_ROUTES {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      if (!c.isNak() && c.wants(DhcpOptionCodes.CLASSLESS_STATIC_ROUTES)) {
        o.copy(c.network(), DhcpOptionCodes.CLASSLESS_STATIC_ROUTES);
      }
    }
  },

  /**
   * Option 12: the host name of the client's reservation when it has one, else the name the client
   * gave itself, so it sees the server took it.
   */
  HOSTNAME_ECHO {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      if (c.isNak()) {
        return;
      }
      Optional<String> reserved =
          c.request()
              .clientMac()
              .flatMap(c.config()::reservationFor)
              .flatMap(Reservation::hostname);
      reserved
          .or(() -> c.request().options().hostname().filter(h -> !h.isEmpty()))
          .ifPresent(o::hostname);
    }
  },

  /** Option 56: why the NAK. */
  NAK_MESSAGE {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      if (c.isNak()) {
        c.nakReason().ifPresent(o::message);
      }
    }
  },

  /** Option 61 echoed back (RFC 6842), so clients sharing a MAC can tell replies apart. */
  CLIENT_ID_ECHO {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      o.copy(c.request().options(), DhcpOptionCodes.CLIENT_ID);
    }
  },

  /** Option 82 echoed back unchanged (RFC 3046 §2.2), so a relay can route the reply. */
  RELAY_AGENT_INFO_ECHO {
    @Override
    public void addOptions(ReplyContext c, DhcpOptions.Builder o) {
      o.copy(c.request().options(), DhcpOptionCodes.RELAY_AGENT_INFO);
    }
  };

  /** The chain in wire order. */
  public static List<ReplyOptionHandler> chain() {
    return List.of(values());
  }
}
