package io.kvswitch.dataplane.dhcp;

import io.kvswitch.dataplane.dhcp.codec.DhcpMessage;
import io.kvswitch.dataplane.dhcp.codec.DhcpMessageType;
import io.kvswitch.dataplane.dhcp.codec.DhcpOptions;
import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.List;
import java.util.function.UnaryOperator;

/** Builds the messages a DHCP client sends, as a client in each RFC 2131 state fills them. */
public final class TestClient {

  public final MacAddress mac;
  private int xid = 0x1000;
  private UnaryOperator<DhcpOptions.Builder> extraOptions = b -> b;

  public TestClient(String mac) {
    this.mac = MacAddress.parse(mac);
  }

  /** Adds options (client id, hostname, PRL...) to every message this client sends. */
  public TestClient withOptions(UnaryOperator<DhcpOptions.Builder> extra) {
    this.extraOptions = extra;
    return this;
  }

  private DhcpMessage.Builder base(DhcpMessageType type, UnaryOperator<DhcpOptions.Builder> opts) {
    DhcpOptions.Builder options = DhcpOptions.builder().messageType(type);
    extraOptions.apply(options);
    opts.apply(options);
    return DhcpMessage.builder()
        .op(DhcpMessage.BOOTREQUEST)
        .xid(++xid)
        .clientMac(mac)
        .options(options.build());
  }

  public DhcpMessage discover() {
    return base(DhcpMessageType.DISCOVER, o -> o).build();
  }

  public DhcpMessage discoverRequesting(String address) {
    return base(DhcpMessageType.DISCOVER, o -> o.requestedIp(Ipv4Address.parse(address))).build();
  }

  /** SELECTING: server id and requested address, ciaddr zero. */
  public DhcpMessage select(Ipv4Address offered, Ipv4Address serverId) {
    return base(DhcpMessageType.REQUEST, o -> o.serverId(serverId).requestedIp(offered)).build();
  }

  /** INIT-REBOOT: requested address, no server id, ciaddr zero. */
  public DhcpMessage reboot(Ipv4Address remembered) {
    return base(DhcpMessageType.REQUEST, o -> o.requestedIp(remembered)).build();
  }

  /** RENEWING (unicast) and REBINDING (broadcast) look the same: ciaddr only. */
  public DhcpMessage renew(Ipv4Address bound) {
    return base(DhcpMessageType.REQUEST, o -> o).ciaddr(bound).build();
  }

  public DhcpMessage decline(Ipv4Address address, Ipv4Address serverId) {
    return base(DhcpMessageType.DECLINE, o -> o.serverId(serverId).requestedIp(address)).build();
  }

  public DhcpMessage release(Ipv4Address address, Ipv4Address serverId) {
    return base(DhcpMessageType.RELEASE, o -> o.serverId(serverId)).ciaddr(address).build();
  }

  public DhcpMessage inform(Ipv4Address address) {
    return base(DhcpMessageType.INFORM, o -> o.parameterRequestList(List.of(1, 3, 6)))
        .ciaddr(address)
        .build();
  }
}
