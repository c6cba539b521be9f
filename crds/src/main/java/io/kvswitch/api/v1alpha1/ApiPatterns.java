package io.kvswitch.api.v1alpha1;

/**
 * Regular expressions shared by the schema of every kind, so the API server refuses malformed
 * addresses before the operator ever sees them. They are compile-time constants because annotation
 * values must be.
 */
public final class ApiPatterns {

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

  /** A dotted-quad IPv4 address without leading zeros, such as {@code 10.0.0.1}. */
  public static final String IPV4 = "^(" + OCTET + "\\.){3}" + OCTET + "$";

  /** An IPv4 prefix such as {@code 10.0.0.0/24}. */
  public static final String IPV4_CIDR =
      "^(" + OCTET + "\\.){3}" + OCTET + "/([0-9]|[12][0-9]|3[0-2])$";

  /**
   * A unicast-or-multicast MAC in colon notation, either case, such as {@code 02:00:00:aa:bb:cc}.
   */
  public static final String MAC = "^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$";

  /** A Kubernetes object name (DNS-1123 subdomain, as the API server checks metadata.name). */
  public static final String OBJECT_NAME =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A DNS-1123 label, for names that end up in interface or object names. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** A DNS domain name such as {@code cluster.example.com}. */
  public static final String DOMAIN =
      "^([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$";

  /** A Linux interface name: at most 15 bytes, no slash, no white space. */
  public static final String INTERFACE_NAME = "^[a-zA-Z0-9_.:-]{1,15}$";

  /** A VLAN id or an inclusive range of them, such as {@code 100} or {@code 200-300}. */
  public static final String VLAN_RANGE = "^[0-9]{1,4}(-[0-9]{1,4})?$";

  private ApiPatterns() {}
}
