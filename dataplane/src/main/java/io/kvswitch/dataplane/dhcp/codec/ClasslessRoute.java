package io.kvswitch.dataplane.dhcp.codec;

import io.kvswitch.dataplane.dhcp.net.Ipv4Address;
import io.kvswitch.dataplane.dhcp.net.Ipv4Subnet;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One RFC 3442 classless static route: a destination prefix and the router to reach it.
 *
 * @param destination the prefix; 0.0.0.0/0 is the default route
 * @param router next hop; 0.0.0.0 means "on link"
 */
public record ClasslessRoute(Ipv4Subnet destination, Ipv4Address router) {

  /**
   * Encodes routes as the value of option 121: per route, the prefix length, then only the
   * significant octets of the destination, then the four router octets.
   */
  public static byte[] encode(List<ClasslessRoute> routes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ClasslessRoute route : routes) {
      int length = route.destination.prefixLength();
      out.write(length);
      out.write(route.destination.network().toBytes(), 0, significantOctets(length));
      out.write(route.router.toBytes(), 0, 4);
    }
    return out.toByteArray();
  }

  /**
   * Decodes an option 121 value.
   *
   * @throws IllegalArgumentException when the value is truncated or a prefix length is above 32
   */
  public static List<ClasslessRoute> decode(byte[] value) {
    List<ClasslessRoute> routes = new ArrayList<>();
    int i = 0;
    while (i < value.length) {
      int length = value[i++] & 0xff;
      if (length > 32) {
        throw new IllegalArgumentException("route prefix length " + length + " is above 32");
      }
      int octets = significantOctets(length);
      if (i + octets + 4 > value.length) {
        throw new IllegalArgumentException("route truncated at byte " + (i - 1));
      }
      byte[] destination = new byte[4];
      System.arraycopy(value, i, destination, 0, octets);
      i += octets;
      Ipv4Address router = Ipv4Address.of(value, i);
      i += 4;
      Ipv4Address network = Ipv4Address.of(destination, 0);
      Ipv4Subnet prefix;
      try {
        prefix = new Ipv4Subnet(network, length);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "route destination has host bits set: " + e.getMessage(), e);
      }
      routes.add(new ClasslessRoute(prefix, router));
    }
    return List.copyOf(routes);
  }

  private static int significantOctets(int prefixLength) {
    return (prefixLength + 7) / 8;
  }

  @Override
  public String toString() {
    return destination + " via " + router;
  }
}
