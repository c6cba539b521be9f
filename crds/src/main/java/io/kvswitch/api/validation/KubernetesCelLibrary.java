package io.kvswitch.api.validation;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelRuntime.CelFunctionBinding;
import java.util.List;

/**
 * The part of Kubernetes' CEL IP and CIDR library that the kvswitch rules use ({@code isIP}, {@code
 * isCIDR}, {@code cidr()}, {@code containsIP}, {@code containsCIDR}, {@code masked}), for IPv4,
 * with the semantics the API server documents. cel-java ships CEL itself but not the Kubernetes
 * extensions, which are Go code in the API server.
 */
final class KubernetesCelLibrary {

  static final OpaqueType CIDR = OpaqueType.create("net.CIDR");

  private KubernetesCelLibrary() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        CelFunctionDecl.newFunctionDeclaration(
            "isIP", CelOverloadDecl.newGlobalOverload("is_ip", SimpleType.BOOL, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "isCIDR",
            CelOverloadDecl.newGlobalOverload("is_cidr", SimpleType.BOOL, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "cidr", CelOverloadDecl.newGlobalOverload("string_to_cidr", CIDR, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "containsIP",
            CelOverloadDecl.newMemberOverload(
                "cidr_contains_ip_string", SimpleType.BOOL, CIDR, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration(
            "containsCIDR",
            CelOverloadDecl.newMemberOverload(
                "cidr_contains_cidr_string", SimpleType.BOOL, CIDR, SimpleType.STRING),
            CelOverloadDecl.newMemberOverload("cidr_contains_cidr", SimpleType.BOOL, CIDR, CIDR)),
        CelFunctionDecl.newFunctionDeclaration(
            "masked", CelOverloadDecl.newMemberOverload("cidr_masked", CIDR, CIDR)),
        CelFunctionDecl.newFunctionDeclaration(
            "prefixLength",
            CelOverloadDecl.newMemberOverload("cidr_prefix_length", SimpleType.INT, CIDR)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("is_ip", String.class, KubernetesCelLibrary::isIp),
        CelFunctionBinding.from("is_cidr", String.class, Ipv4Cidr::isCidr),
        CelFunctionBinding.from("string_to_cidr", String.class, Ipv4Cidr::parse),
        CelFunctionBinding.from(
            "cidr_contains_ip_string",
            Ipv4Cidr.class,
            String.class,
            (cidr, ip) -> Ipv4Address.isIpv4(ip) && cidr.contains(Ipv4Address.parse(ip))),
        CelFunctionBinding.from(
            "cidr_contains_cidr_string",
            Ipv4Cidr.class,
            String.class,
            (cidr, other) -> cidr.contains(Ipv4Cidr.parse(other))),
        CelFunctionBinding.from(
            "cidr_contains_cidr", Ipv4Cidr.class, Ipv4Cidr.class, Ipv4Cidr::contains),
        CelFunctionBinding.from("cidr_masked", Ipv4Cidr.class, Ipv4Cidr::masked),
        CelFunctionBinding.from(
            "cidr_prefix_length", Ipv4Cidr.class, cidr -> (long) cidr.prefixLength()));
  }

  /** The API server's isIP accepts IPv6 too; such values fail the fields' IPv4 patterns. */
  private static boolean isIp(String text) {
    if (Ipv4Address.isIpv4(text)) {
      return true;
    }
    if (!text.contains(":")) {
      return false;
    }
    try {
      java.net.InetAddress.ofLiteral(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
