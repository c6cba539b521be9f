package io.kvswitch.api.v1alpha1;

import static io.kvswitch.api.v1alpha1.Edit.remove;
import static io.kvswitch.api.v1alpha1.Edit.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvswitch.api.validation.CustomResourceValidator;
import io.kvswitch.api.validation.Violation;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the API server refuses in a VlanNetwork, one bad twin of the web example per rule. */
class VlanNetworkValidationTest {

  private final CustomResourceValidator validator = Crds.validator("VlanNetwork");
  private final ObjectNode web = Crds.example("02-vlannetwork-web.yaml");

  static Stream<Arguments> badTwins() {
    return Stream.of(
        BadTwin.of("VLAN 0", set("/spec/vlanId", "0"), "spec.vlanId", "minimum value of 1"),
        BadTwin.of(
            "VLAN 4095", set("/spec/vlanId", "4095"), "spec.vlanId", "maximum value of 4094"),
        BadTwin.of("no VLAN", remove("/spec/vlanId"), "spec.vlanId", "required property"),
        BadTwin.of("no switch", remove("/spec/switch"), "spec.switch", "required property"),
        BadTwin.of("prefix over 32", set("/spec/subnet", "10.10.0.0/33"), "spec.subnet", "pattern"),
        BadTwin.of(
            "subnet not a CIDR", set("/spec/subnet", "10.10.0/24"), "spec.subnet", "pattern"),
        BadTwin.of(
            "subnet with host bits",
            set("/spec/subnet", "10.10.0.1/24"),
            "spec.subnet",
            "subnet must be a network address"),
        BadTwin.of(
            "gateway outside subnet",
            set("/spec/gateway", "10.11.0.1"),
            "spec.gateway",
            "gateway must lie inside subnet"),
        BadTwin.of(
            "gateway octet 256", set("/spec/gateway", "10.10.0.256"), "spec.gateway", "pattern"),
        BadTwin.of(
            "excluded address outside subnet",
            set("/spec/excludeIps", "[10.99.0.5]"),
            "spec.excludeIps",
            "every excludeIps entry must lie inside subnet"),
        BadTwin.of(
            "excluded address malformed",
            set("/spec/excludeIps", "[10.10.0]"),
            "spec.excludeIps[0]",
            "pattern"),
        BadTwin.of(
            "range start outside subnet",
            List.of(set("/spec/gateway", "10.10.0.254"), set("/spec/dhcp/rangeStart", "10.9.0.10")),
            "spec.dhcp.rangeStart",
            "dhcp.rangeStart must lie inside subnet"),
        BadTwin.of(
            "range end outside subnet",
            set("/spec/dhcp/rangeEnd", "10.10.1.200"),
            "spec.dhcp.rangeEnd",
            "dhcp.rangeEnd must lie inside subnet"),
        BadTwin.of(
            "range backwards",
            List.of(
                set("/spec/dhcp/rangeStart", "10.10.0.200"),
                set("/spec/dhcp/rangeEnd", "10.10.0.10")),
            "spec.dhcp.rangeEnd",
            "dhcp.rangeStart must not come after dhcp.rangeEnd"),
        BadTwin.of(
            "range includes gateway",
            set("/spec/gateway", "10.10.0.100"),
            "spec.dhcp",
            "the DHCP range must not include the gateway"),
        BadTwin.of(
            "range start without end",
            remove("/spec/dhcp/rangeEnd"),
            "spec.dhcp",
            "set both rangeStart and rangeEnd, or neither"),
        BadTwin.of(
            "lease of 30 seconds",
            set("/spec/dhcp/leaseSeconds", "30"),
            "spec.dhcp.leaseSeconds",
            "minimum value of 60"),
        BadTwin.of(
            "DNS server malformed",
            set("/spec/dhcp/dnsServers", "[dns.example]"),
            "spec.dhcp.dnsServers[0]",
            "pattern"),
        BadTwin.of(
            "route next hop off-link",
            set("/spec/dhcp/routes/0/nextHop", "192.168.1.1"),
            "spec.dhcp.routes",
            "every dhcp.routes nextHop must lie inside subnet"),
        BadTwin.of(
            "route destination malformed",
            set("/spec/dhcp/routes/0/destination", "172.16.0.0"),
            "spec.dhcp.routes[0].destination",
            "pattern"),
        BadTwin.of(
            "reservation MAC malformed",
            set("/spec/dhcp/reservations/0/mac", "'02:00:00:00:01'"),
            "spec.dhcp.reservations[0].mac",
            "pattern"),
        BadTwin.of(
            "reservation outside subnet",
            set("/spec/dhcp/reservations/0/ip", "10.10.1.201"),
            "spec.dhcp.reservations",
            "every dhcp.reservations ip must lie inside subnet"),
        BadTwin.of(
            "reservation takes the gateway",
            set("/spec/dhcp/reservations/0/ip", "10.10.0.1"),
            "spec.dhcp.reservations",
            "a dhcp reservation cannot take the gateway address"),
        BadTwin.of(
            "two reservations for one MAC, differently cased",
            set(
                "/spec/dhcp/reservations",
                "[{mac: '02:00:00:00:01:0a', ip: 10.10.0.201}, {mac: '02:00:00:00:01:0A', ip: 10.10.0.202}]"),
            "spec.dhcp.reservations",
            "a MAC may have one reservation only"),
        BadTwin.of(
            "one address reserved twice",
            set(
                "/spec/dhcp/reservations",
                "[{mac: '02:00:00:00:01:01', ip: 10.10.0.201}, {mac: '02:00:00:00:01:02', ip: 10.10.0.201}]"),
            "spec.dhcp.reservations",
            "an address may be reserved for one MAC only"),
        BadTwin.of(
            "isolated without gateway",
            List.of(remove("/spec/gateway"), set("/spec/isolation", "Isolated")),
            "spec.gateway",
            "isolation Isolated needs a gateway"),
        BadTwin.of(
            "unknown isolation",
            set("/spec/isolation", "Private"),
            "spec.isolation",
            "does not have a value in the enumeration"),
        BadTwin.of(
            "rule without action",
            remove("/spec/rules/0/action"),
            "spec.rules[0].action",
            "required property"),
        BadTwin.of(
            "port range backwards",
            set("/spec/rules/0/ports/0", "{protocol: TCP, port: 8080, endPort: 80}"),
            "spec.rules[0].ports[0].endPort",
            "endPort needs port and must not be below it"),
        BadTwin.of(
            "ICMP with a port",
            set("/spec/rules/1/ports/0", "{protocol: ICMP, port: 8}"),
            "spec.rules[1].ports[0].port",
            "ICMP has no ports"),
        BadTwin.of(
            "port 70000",
            set("/spec/rules/0/ports/0/port", "70000"),
            "spec.rules[0].ports[0].port",
            "maximum value of 65535"),
        BadTwin.of(
            "empty peer",
            set("/spec/rules/2/peers/0", "{}"),
            "spec.rules[2].peers[0]",
            "a peer needs podSelector, namespaceSelector or ipBlock"),
        BadTwin.of(
            "ipBlock with a selector",
            set(
                "/spec/rules/2/peers/0",
                "{podSelector: {matchLabels: {tier: db}}, ipBlock: {cidr: 10.0.0.0/8}}"),
            "spec.rules[2].peers[0].ipBlock",
            "ipBlock cannot be combined"),
        BadTwin.of(
            "except outside the block",
            set("/spec/rules/2/peers/0", "{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}"),
            "spec.rules[2].peers[0].ipBlock.except",
            "every except block must lie inside cidr"),
        BadTwin.of(
            "misspelt field", set("/spec/vlan", "100"), "spec.vlan", "unknown field \"vlan\""),
        BadTwin.of(
            "except block malformed",
            set("/spec/rules/2/peers/0", "{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0]}}"),
            "spec.rules[2].peers[0].ipBlock.except[0]",
            "pattern"),
        BadTwin.of("no spec", remove("/spec"), "", "spec is required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTwins")
  void refusesBadTwin(BadTwin twin) {
    twin.assertRefused(validator.validateCreate(twin.applyTo(web)));
  }

  @Test
  void webExampleIsAccepted() {
    assertThat(validator.validateCreate(web)).isEmpty();
  }

  @Test
  void defaultsAreFilledInAsTheApiServerStoresThem() {
    ObjectNode minimal = Crds.example("03-vlannetwork-db.yaml");

    ObjectNode stored = (ObjectNode) validator.withDefaults(minimal);

    assertThat(stored.at("/spec/isolation").asText()).isEqualTo("None");
    assertThat(stored.at("/spec/defaultAction").asText()).isEqualTo("Allow");
    assertThat(stored.at("/spec/dhcp/enabled").asBoolean()).isTrue();
    assertThat(stored.at("/spec/dhcp/leaseSeconds").asInt()).isEqualTo(600);
  }

  @Test
  void overlappingSubnetsOnDifferentVlansAreAccepted() {
    ObjectNode tenantB = set("/spec/vlanId", "101").applyTo(web);

    assertThat(validator.validateCreate(tenantB)).isEmpty();
  }

  @Test
  void switchCannotChangeOnUpdate() {
    ObjectNode moved = set("/spec/switch", "other").applyTo(web);

    List<Violation> violations = validator.validateUpdate(moved, web);

    assertThat(violations)
        .containsExactly(
            new Violation(
                "spec.switch",
                "switch cannot be changed; create a new VlanNetwork on the other switch instead"));
  }

  @Test
  void vlanIdMayChangeOnUpdate() {
    ObjectNode renumbered = set("/spec/vlanId", "300").applyTo(web);

    assertThat(validator.validateUpdate(renumbered, web)).isEmpty();
  }

  @Test
  void wholeSubnetRangeNeedsNoBounds() {
    ObjectNode noRange =
        remove("/spec/dhcp/rangeEnd").applyTo(remove("/spec/dhcp/rangeStart").applyTo(web));

    assertThat(validator.validateCreate(noRange)).isEmpty();
  }
}
