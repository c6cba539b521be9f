package io.kvswitch.dataplane.dhcp.codec;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.MacAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One BOOTP/DHCP message (RFC 2131 §2), immutable.
 *
 * <p>When the client sent options in {@code sname} or {@code file} (option 52, overload), the
 * decoder has already moved them into {@link #options()} and left those fields empty, so nothing
 * downstream needs to know about overload.
 */
public final class DhcpMessage {

  /** {@code op} of a client message. */
  public static final int BOOTREQUEST = 1;

  /** {@code op} of a server message. */
  public static final int BOOTREPLY = 2;

  /** {@code htype} of Ethernet. */
  public static final int HTYPE_ETHERNET = 1;

  /** The broadcast bit of {@code flags} (RFC 2131 §2, figure 2). */
  public static final int FLAG_BROADCAST = 0x8000;

  private final int op;
  private final int htype;
  private final int hlen;
  private final int hops;
  private final int xid;
  private final int secs;
  private final int flags;
  private final Ipv4Address ciaddr;
  private final Ipv4Address yiaddr;
  private final Ipv4Address siaddr;
  private final Ipv4Address giaddr;
  private final byte[] chaddr;
  private final String sname;
  private final String file;
  private final DhcpOptions options;

  private DhcpMessage(Builder b) {
    if (b.op != BOOTREQUEST && b.op != BOOTREPLY) {
      throw new IllegalArgumentException("op must be 1 or 2, was " + b.op);
    }
    if (b.hlen < 0 || b.hlen > 16) {
      throw new IllegalArgumentException("hlen must be 0..16, was " + b.hlen);
    }
    checkUnsigned("htype", b.htype, 0xff);
    checkUnsigned("hops", b.hops, 0xff);
    checkUnsigned("secs", b.secs, 0xffff);
    checkUnsigned("flags", b.flags, 0xffff);
    if (b.sname.length() > 64 || b.file.length() > 128) {
      throw new IllegalArgumentException("sname is at most 64 and file at most 128 characters");
    }
    this.op = b.op;
    this.htype = b.htype;
    this.hlen = b.hlen;
    this.hops = b.hops;
    this.xid = b.xid;
    this.secs = b.secs;
    this.flags = b.flags;
    this.ciaddr = b.ciaddr;
    this.yiaddr = b.yiaddr;
    this.siaddr = b.siaddr;
    this.giaddr = b.giaddr;
    // The builder replaces its array on every change and never writes into it: no copy needed.
    this.chaddr = b.chaddr;
    this.sname = b.sname;
    this.file = b.file;
    this.options = b.options;
  }

  private static void checkUnsigned(String field, int value, int max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(field + " must be 0.." + max + ", was " + value);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .op(op)
        .htype(htype)
        .hlen(hlen)
        .hops(hops)
        .xid(xid)
        .secs(secs)
        .flags(flags)
        .ciaddr(ciaddr)
        .yiaddr(yiaddr)
        .siaddr(siaddr)
        .giaddr(giaddr)
        .chaddr(chaddr)
        .sname(sname)
        .file(file)
        .options(options);
  }

  public int op() {
    return op;
  }

  public int htype() {
    return htype;
  }

  public int hlen() {
    return hlen;
  }

  public int hops() {
    return hops;
  }

  public int xid() {
    return xid;
  }

  public int secs() {
    return secs;
  }

  public int flags() {
    return flags;
  }

  public boolean broadcastFlag() {
    return (flags & FLAG_BROADCAST) != 0;
  }

  public Ipv4Address ciaddr() {
    return ciaddr;
  }

  public Ipv4Address yiaddr() {
    return yiaddr;
  }

  public Ipv4Address siaddr() {
    return siaddr;
  }

  public Ipv4Address giaddr() {
    return giaddr;
  }

  /** All 16 bytes of {@code chaddr}; only the first {@link #hlen()} are meaningful. */
  public byte[] chaddr() {
    return chaddr.clone();
  }

  /** {@code chaddr} itself, for the encoder, which only reads it. */
  byte[] chaddrArray() {
    return chaddr;
  }

  /** The client's Ethernet address, when {@code htype} and {@code hlen} say it has one. */
  public Optional<MacAddress> clientMac() {
    return htype == HTYPE_ETHERNET && hlen == 6
        ? Optional.of(MacAddress.of(chaddr, 0))
        : Optional.empty();
  }

  public String sname() {
    return sname;
  }

  public String file() {
    return file;
  }

  public DhcpOptions options() {
    return options;
  }

  /** Shortcut for {@code options().messageType()}. */
  public Optional<DhcpMessageType> messageType() {
    return options.messageType();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DhcpMessage m
        && op == m.op
        && htype == m.htype
        && hlen == m.hlen
        && hops == m.hops
        && xid == m.xid
        && secs == m.secs
        && flags == m.flags
        && ciaddr.equals(m.ciaddr)
        && yiaddr.equals(m.yiaddr)
        && siaddr.equals(m.siaddr)
        && giaddr.equals(m.giaddr)
        && Arrays.equals(chaddr, m.chaddr)
        && sname.equals(m.sname)
        && file.equals(m.file)
        && options.equals(m.options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(xid, ciaddr, yiaddr, giaddr, Arrays.hashCode(chaddr), options);
  }

  @Override
  public String toString() {
    return "DhcpMessage{"
        + messageType().map(Enum::name).orElse(op == BOOTREQUEST ? "BOOTREQUEST" : "BOOTREPLY")
        + " xid="
        + Integer.toHexString(xid)
        + " chaddr="
        + HexFormat.ofDelimiter(":").formatHex(chaddr, 0, hlen)
        + " ciaddr="
        + ciaddr
        + " yiaddr="
        + yiaddr
        + " giaddr="
        + giaddr
        + " flags="
        + Integer.toHexString(flags)
        + " options="
        + options
        + "}";
  }

  /** Builds a message; every field starts at zero, empty or 0.0.0.0. */
  public static final class Builder {
    private int op = BOOTREQUEST;
    private int htype = HTYPE_ETHERNET;
    private int hlen = 6;
    private int hops;
    private int xid;
    private int secs;
    private int flags;
    private Ipv4Address ciaddr = Ipv4Address.ANY;
    private Ipv4Address yiaddr = Ipv4Address.ANY;
    private Ipv4Address siaddr = Ipv4Address.ANY;
    private Ipv4Address giaddr = Ipv4Address.ANY;
    private byte[] chaddr = new byte[16];
    private String sname = "";
    private String file = "";
    private DhcpOptions options = DhcpOptions.empty();

    private Builder() {}

    public Builder op(int op) {
      this.op = op;
      return this;
    }

    public Builder htype(int htype) {
      this.htype = htype;
      return this;
    }

    public Builder hlen(int hlen) {
      this.hlen = hlen;
      return this;
    }

    public Builder hops(int hops) {
      this.hops = hops;
      return this;
    }

    public Builder xid(int xid) {
      this.xid = xid;
      return this;
    }

    public Builder secs(int secs) {
      this.secs = secs;
      return this;
    }

    public Builder flags(int flags) {
      this.flags = flags;
      return this;
    }

    public Builder ciaddr(Ipv4Address ciaddr) {
      this.ciaddr = Objects.requireNonNull(ciaddr, "ciaddr");
      return this;
    }

    public Builder yiaddr(Ipv4Address yiaddr) {
      this.yiaddr = Objects.requireNonNull(yiaddr, "yiaddr");
      return this;
    }

    public Builder siaddr(Ipv4Address siaddr) {
      this.siaddr = Objects.requireNonNull(siaddr, "siaddr");
      return this;
    }

    public Builder giaddr(Ipv4Address giaddr) {
      this.giaddr = Objects.requireNonNull(giaddr, "giaddr");
      return this;
    }

    /** Copies up to 16 bytes; shorter input is zero-padded. */
    public Builder chaddr(byte[] chaddr) {
      if (chaddr.length > 16) {
        throw new IllegalArgumentException("chaddr is at most 16 bytes");
      }
      this.chaddr = Arrays.copyOf(chaddr, 16);
      return this;
    }

    /** Takes a 16-byte array the caller will not change again, without copying it. */
    Builder ownChaddr(byte[] chaddr) {
      if (chaddr.length != 16) {
        throw new IllegalArgumentException("chaddr is 16 bytes");
      }
      this.chaddr = chaddr;
      return this;
    }

    /** Sets an Ethernet client address: htype 1, hlen 6 and chaddr. */
    public Builder clientMac(MacAddress mac) {
      this.htype = HTYPE_ETHERNET;
      this.hlen = 6;
      return chaddr(mac.toBytes());
    }

    public Builder sname(String sname) {
      this.sname = Objects.requireNonNull(sname, "sname");
      return this;
    }

    public Builder file(String file) {
      this.file = Objects.requireNonNull(file, "file");
      return this;
    }

    public Builder options(DhcpOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    public DhcpMessage build() {
      return new DhcpMessage(this);
    }
  }
}
