package io.kvswitch.dataplane.dhcp.codec;

/** Option codes this server reads or writes (RFC 2132 unless noted). */
public final class DhcpOptionCodes {

  public static final int PAD = 0;
  public static final int SUBNET_MASK = 1;
  public static final int ROUTER = 3;
  public static final int DNS_SERVERS = 6;
  public static final int HOSTNAME = 12;
  public static final int DOMAIN_NAME = 15;
  public static final int INTERFACE_MTU = 26;
  public static final int REQUESTED_IP = 50;
  public static final int LEASE_TIME = 51;
  public static final int OVERLOAD = 52;
  public static final int MESSAGE_TYPE = 53;
  public static final int SERVER_ID = 54;
  public static final int PARAMETER_REQUEST_LIST = 55;
  public static final int MESSAGE = 56;
  public static final int MAX_MESSAGE_SIZE = 57;
  public static final int RENEWAL_TIME = 58;
  public static final int REBINDING_TIME = 59;
  public static final int CLIENT_ID = 61;

  /** RFC 3046 relay agent information; kept opaque and echoed back to the relay. */
  public static final int RELAY_AGENT_INFO = 82;

  /** RFC 3442 classless static routes. */
  public static final int CLASSLESS_STATIC_ROUTES = 121;

  public static final int END = 255;

  private DhcpOptionCodes() {}
}
