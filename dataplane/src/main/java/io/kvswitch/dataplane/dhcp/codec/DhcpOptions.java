package io.kvswitch.dataplane.dhcp.codec;

import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.CLASSLESS_STATIC_ROUTES;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.CLIENT_ID;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.DNS_SERVERS;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.DOMAIN_NAME;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.END;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.HOSTNAME;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.INTERFACE_MTU;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.LEASE_TIME;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.MAX_MESSAGE_SIZE;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.MESSAGE;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.MESSAGE_TYPE;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.OVERLOAD;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.PAD;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.PARAMETER_REQUEST_LIST;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.REBINDING_TIME;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.RELAY_AGENT_INFO;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.RENEWAL_TIME;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.REQUESTED_IP;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.ROUTER;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.SERVER_ID;
import static io.kvswitch.dataplane.dhcp.codec.DhcpOptionCodes.SUBNET_MASK;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The options of one DHCP message, in wire order, immutable.
 *
 * <p>Every option is held as its raw value, so options this server does not know survive a decode
 * and re-encode unchanged (netty's DNS codec keeps unknown records the same way). Options the
 * server reads have typed accessors; their values were checked by {@link #validate} when the
 * message was decoded or built, so the accessors cannot fail.
 */
public final class DhcpOptions {

  private static final DhcpOptions EMPTY = new DhcpOptions(new byte[0], new byte[0][]);

  /*
   * Parallel arrays in wire order instead of a map: a message has a few dozen options at most, so a
   * scan is as fast as a hash lookup and the whole set costs three objects. The value arrays are
   * never written after they are stored, by this class or by its builder, so one array may be
   * shared by a builder and the options it built, and by options built from other options.
   */
  private final byte[] codes;
  private final byte[][] values;

  private DhcpOptions(byte[] codes, byte[][] values) {
    this.codes = codes;
    this.values = values;
  }

  public static DhcpOptions empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts with these options, in this order. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    for (int i = 0; i < codes.length; i++) {
      builder.put(codes[i] & 0xff, values[i]);
    }
    return builder;
  }

  /** Option codes in wire order (PAD and END are never stored). */
  public Set<Integer> codes() {
    Set<Integer> set = new LinkedHashSet<>();
    for (byte code : codes) {
      set.add(code & 0xff);
    }
    return Collections.unmodifiableSet(set);
  }

  public boolean contains(int code) {
    return indexOf(codes, codes.length, code) >= 0;
  }

  /** A copy of the raw value of an option. */
  public Optional<byte[]> raw(int code) {
    byte[] value = value(code);
    return value == null ? Optional.empty() : Optional.of(value.clone());
  }

  /** The number of options. */
  public int size() {
    return codes.length;
  }

  /** The code of the {@code i}th option in wire order. */
  int codeAt(int i) {
    return codes[i] & 0xff;
  }

  /** The value of the {@code i}th option, not copied: the codec only reads it. */
  byte[] valueAt(int i) {
    return values[i];
  }

  private byte[] value(int code) {
    int i = indexOf(codes, codes.length, code);
    return i < 0 ? null : values[i];
  }

  private static int indexOf(byte[] codes, int size, int code) {
    for (int i = 0; i < size; i++) {
      if ((codes[i] & 0xff) == code) {
        return i;
      }
    }
    return -1;
  }

  /** Option 53. Empty when absent or when the value is not one this server speaks. */
  public Optional<DhcpMessageType> messageType() {
    byte[] value = value(MESSAGE_TYPE);
    return value == null ? Optional.empty() : DhcpMessageType.of(value[0] & 0xff);
  }

  public Optional<Ipv4Address> requestedIp() {
    return address(REQUESTED_IP);
  }

  public Optional<Ipv4Address> serverId() {
    return address(SERVER_ID);
  }

  public Optional<Ipv4Address> subnetMask() {
    return address(SUBNET_MASK);
  }

  /** Option 51 in seconds; 0xffffffff means infinite. */
  public OptionalLong leaseTime() {
    return seconds(LEASE_TIME);
  }

  /** Option 58 (T1) in seconds. */
  public OptionalLong renewalTime() {
    return seconds(RENEWAL_TIME);
  }

  /** Option 59 (T2) in seconds. */
  public OptionalLong rebindingTime() {
    return seconds(REBINDING_TIME);
  }

  /** Option 55: the codes the client asked for, in its order of preference. */
  public List<Integer> parameterRequestList() {
    byte[] value = value(PARAMETER_REQUEST_LIST);
    if (value == null) {
      return List.of();
    }
    List<Integer> codes = new ArrayList<>(value.length);
    for (byte b : value) {
      codes.add(b & 0xff);
    }
    return List.copyOf(codes);
  }

  /**
   * Whether option 55 lists {@code code}; false when the client sent no list. Reads the raw value,
   * so the reply path asks once per option without building a list.
   */
  public boolean requests(int code) {
    byte[] value = value(PARAMETER_REQUEST_LIST);
    if (value == null) {
      return false;
    }
    for (byte requested : value) {
      if ((requested & 0xff) == code) {
        return true;
      }
    }
    return false;
  }

  public OptionalInt maxMessageSize() {
    byte[] value = value(MAX_MESSAGE_SIZE);
    return value == null ? OptionalInt.empty() : OptionalInt.of(unsigned16(value));
  }

  public OptionalInt interfaceMtu() {
    byte[] value = value(INTERFACE_MTU);
    return value == null ? OptionalInt.empty() : OptionalInt.of(unsigned16(value));
  }

  /** Option 61, including its type byte. */
  public Optional<byte[]> clientId() {
    return raw(CLIENT_ID);
  }

  public Optional<String> hostname() {
    return text(HOSTNAME);
  }

  public Optional<String> domainName() {
    return text(DOMAIN_NAME);
  }

  /** Option 56, the human-readable reason a server gives in a NAK. */
  public Optional<String> message() {
    return text(MESSAGE);
  }

  public List<Ipv4Address> routers() {
    return addresses(ROUTER);
  }

  public List<Ipv4Address> dnsServers() {
    return addresses(DNS_SERVERS);
  }

  public List<ClasslessRoute> classlessStaticRoutes() {
    byte[] value = value(CLASSLESS_STATIC_ROUTES);
    return value == null ? List.of() : ClasslessRoute.decode(value);
  }

  /** Option 82 exactly as the relay sent it. */
  public Optional<byte[]> relayAgentInfo() {
    return raw(RELAY_AGENT_INFO);
  }

  private Optional<Ipv4Address> address(int code) {
    byte[] value = value(code);
    return value == null ? Optional.empty() : Optional.of(Ipv4Address.of(value, 0));
  }

  private List<Ipv4Address> addresses(int code) {
    byte[] value = value(code);
    if (value == null) {
      return List.of();
    }
    List<Ipv4Address> list = new ArrayList<>(value.length / 4);
    for (int i = 0; i < value.length; i += 4) {
      list.add(Ipv4Address.of(value, i));
    }
    return List.copyOf(list);
  }

  private OptionalLong seconds(int code) {
    byte[] value = value(code);
    return value == null
        ? OptionalLong.empty()
        : OptionalLong.of(Integer.toUnsignedLong(Ipv4Address.of(value, 0).value()));
  }

  private Optional<String> text(int code) {
    byte[] value = value(code);
    if (value == null) {
      return Optional.empty();
    }
    int end = value.length;
    while (end > 0 && value[end - 1] == 0) {
      end--; // some clients count a trailing NUL in the length
    }
    return Optional.of(new String(value, 0, end, StandardCharsets.US_ASCII));
  }

  private static int unsigned16(byte[] value) {
    return (value[0] & 0xff) << 8 | (value[1] & 0xff);
  }

  /**
   * Checks the value of an option this server interprets; unknown codes are accepted as they are.
   *
   * @throws IllegalArgumentException naming the option and what is wrong with it
   */
  public static void validate(int code, byte[] value) {
    switch (code) {
      case MESSAGE_TYPE -> exactLength(code, value, 1);
      case SUBNET_MASK, REQUESTED_IP, SERVER_ID, LEASE_TIME, RENEWAL_TIME, REBINDING_TIME ->
          exactLength(code, value, 4);
      case ROUTER, DNS_SERVERS -> {
        if (value.length == 0 || value.length % 4 != 0) {
          throw new IllegalArgumentException(
              "option " + code + " length " + value.length + " is not a positive multiple of 4");
        }
      }
      case MAX_MESSAGE_SIZE -> {
        exactLength(code, value, 2);
        if (unsigned16(value) < 576) {
          throw new IllegalArgumentException(
              "option 57 maximum message size " + unsigned16(value) + " is below 576");
        }
      }
      case INTERFACE_MTU -> {
        exactLength(code, value, 2);
        if (unsigned16(value) < 68) {
          throw new IllegalArgumentException("option 26 MTU " + unsigned16(value) + " is below 68");
        }
      }
      case OVERLOAD -> {
        exactLength(code, value, 1);
        if (value[0] < 1 || value[0] > 3) {
          throw new IllegalArgumentException(
              "option 52 overload value " + value[0] + " is not 1-3");
        }
      }
      case CLIENT_ID -> minLength(code, value, 2);
      case HOSTNAME, DOMAIN_NAME, PARAMETER_REQUEST_LIST -> minLength(code, value, 1);
      case CLASSLESS_STATIC_ROUTES -> {
        minLength(code, value, 5);
        ClasslessRoute.decode(value);
      }
      default -> {}
    }
  }

  private static void exactLength(int code, byte[] value, int length) {
    if (value.length != length) {
      throw new IllegalArgumentException(
          "option " + code + " length " + value.length + ", expected " + length);
    }
  }

  private static void minLength(int code, byte[] value, int length) {
    if (value.length < length) {
      throw new IllegalArgumentException(
          "option " + code + " length " + value.length + ", expected at least " + length);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DhcpOptions other) || !Arrays.equals(codes, other.codes)) {
      return false;
    }
    for (int i = 0; i < values.length; i++) {
      if (!Arrays.equals(values[i], other.values[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 1;
    for (int i = 0; i < codes.length; i++) {
      hash = 31 * hash + (codes[i] & 0xff);
      hash = 31 * hash + Arrays.hashCode(values[i]);
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < codes.length; i++) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(codes[i] & 0xff).append('=').append(HexFormat.of().formatHex(values[i]));
    }
    return text.append('}').toString();
  }

  /** Collects options in insertion order; setting a code again replaces its value in place. */
  public static final class Builder {

    private byte[] codes = new byte[16];
    private byte[][] values = new byte[16][];
    private int size;

    private Builder() {}

    /**
     * Sets an option from its raw value.
     *
     * @throws IllegalArgumentException when the code is PAD or END, or the value is invalid for an
     *     option this server interprets
     */
    public Builder raw(int code, byte[] value) {
      byte[] copy = value.clone();
      validate(checkedCode(code), copy);
      return put(code, copy);
    }

    /**
     * Sets an option to the value it has in {@code source}, without copying (both are immutable).
     * For options a server computes once per network and sends in every reply.
     *
     * @return false when {@code source} does not have the option; nothing is set then
     */
    public boolean copy(DhcpOptions source, int code) {
      byte[] value = source.value(code);
      if (value == null) {
        return false;
      }
      put(code, value);
      return true;
    }

    /**
     * Appends to an option already present: RFC 3396 says a code seen twice is one value split in
     * parts, concatenated in order. The combined value is checked when {@link #build()} runs. Takes
     * ownership of {@code part}: the caller must not change it afterwards.
     */
    Builder append(int code, byte[] part) {
      int i = indexOf(codes, size, checkedCode(code));
      if (i < 0) {
        add(code, part);
      } else {
        byte[] previous = values[i];
        byte[] joined = Arrays.copyOf(previous, previous.length + part.length);
        System.arraycopy(part, 0, joined, previous.length, part.length);
        values[i] = joined;
      }
      return this;
    }

    /** Checks and stores a value this builder made itself, so nobody else can change it. */
    private Builder set(int code, byte[] value) {
      validate(code, value);
      return put(code, value);
    }

    /** Stores a value this builder owns from now on; valid values only. */
    private Builder put(int code, byte[] value) {
      int i = indexOf(codes, size, code);
      if (i < 0) {
        add(code, value);
      } else {
        values[i] = value;
      }
      return this;
    }

    private void add(int code, byte[] value) {
      if (size == codes.length) {
        codes = Arrays.copyOf(codes, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      codes[size] = (byte) code;
      values[size] = value;
      size++;
    }

    private static int checkedCode(int code) {
      if (code <= PAD || code >= END) {
        throw new IllegalArgumentException("option code " + code + " cannot carry a value");
      }
      return code;
    }

    public Builder remove(int code) {
      int i = indexOf(codes, size, code);
      if (i >= 0) {
        System.arraycopy(codes, i + 1, codes, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        values[size] = null;
      }
      return this;
    }

    public boolean contains(int code) {
      return indexOf(codes, size, code) >= 0;
    }

    public Builder messageType(DhcpMessageType type) {
      return put(MESSAGE_TYPE, new byte[] {(byte) type.code()});
    }

    public Builder requestedIp(Ipv4Address address) {
      return set(REQUESTED_IP, address.toBytes());
    }

    public Builder serverId(Ipv4Address address) {
      return set(SERVER_ID, address.toBytes());
    }

    public Builder subnetMask(Ipv4Address mask) {
      return set(SUBNET_MASK, mask.toBytes());
    }

    public Builder leaseTime(long seconds) {
      return set(LEASE_TIME, seconds32(seconds));
    }

    public Builder renewalTime(long seconds) {
      return set(RENEWAL_TIME, seconds32(seconds));
    }

    public Builder rebindingTime(long seconds) {
      return set(REBINDING_TIME, seconds32(seconds));
    }

    public Builder routers(List<Ipv4Address> routers) {
      return set(ROUTER, addresses(routers));
    }

    public Builder dnsServers(List<Ipv4Address> servers) {
      return set(DNS_SERVERS, addresses(servers));
    }

    public Builder hostname(String hostname) {
      return set(HOSTNAME, hostname.getBytes(StandardCharsets.US_ASCII));
    }

    public Builder domainName(String domain) {
      return set(DOMAIN_NAME, domain.getBytes(StandardCharsets.US_ASCII));
    }

    public Builder message(String message) {
      return set(MESSAGE, message.getBytes(StandardCharsets.US_ASCII));
    }

    public Builder interfaceMtu(int mtu) {
      return set(INTERFACE_MTU, new byte[] {(byte) (mtu >>> 8), (byte) mtu});
    }

    public Builder maxMessageSize(int size) {
      return set(MAX_MESSAGE_SIZE, new byte[] {(byte) (size >>> 8), (byte) size});
    }

    public Builder parameterRequestList(List<Integer> codes) {
      byte[] value = new byte[codes.size()];
      for (int i = 0; i < value.length; i++) {
        value[i] = (byte) (int) codes.get(i);
      }
      return set(PARAMETER_REQUEST_LIST, value);
    }

    public Builder clientId(byte[] clientId) {
      return raw(CLIENT_ID, clientId);
    }

    public Builder classlessStaticRoutes(List<ClasslessRoute> routes) {
      return raw(CLASSLESS_STATIC_ROUTES, ClasslessRoute.encode(routes));
    }

    /**
     * The immutable options.
     *
     * @throws IllegalArgumentException when an option assembled from parts is invalid
     */
    public DhcpOptions build() {
      for (int i = 0; i < size; i++) {
        validate(codes[i] & 0xff, values[i]);
      }
      return new DhcpOptions(Arrays.copyOf(codes, size), Arrays.copyOf(values, size));
    }

    private static byte[] seconds32(long seconds) {
      if (seconds < 0 || seconds > 0xffff_ffffL) {
        throw new IllegalArgumentException("time " + seconds + " s does not fit 32 bits");
      }
      return new Ipv4Address((int) seconds).toBytes();
    }

    private static byte[] addresses(List<Ipv4Address> addresses) {
      byte[] value = new byte[addresses.size() * 4];
      for (int i = 0; i < addresses.size(); i++) {
        System.arraycopy(addresses.get(i).toBytes(), 0, value, i * 4, 4);
      }
      return value;
    }
  }
}
