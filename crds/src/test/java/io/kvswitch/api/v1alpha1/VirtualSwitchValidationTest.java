package io.kvswitch.api.v1alpha1;

import static io.kvswitch.api.v1alpha1.Edit.remove;
import static io.kvswitch.api.v1alpha1.Edit.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvswitch.api.validation.CustomResourceValidator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the API server refuses in a VirtualSwitch, one bad twin of the uplinks example per rule. */
class VirtualSwitchValidationTest {

  private final CustomResourceValidator validator = Crds.validator("VirtualSwitch");
  private final ObjectNode datacenter = Crds.example("advanced/virtualswitch-uplinks.yaml");

  static Stream<Arguments> badTwins() {
    return Stream.of(
        BadTwin.of("MTU 500", set("/spec/mtu", "500"), "spec.mtu", "minimum value of 576"),
        BadTwin.of("MTU 9217", set("/spec/mtu", "9217"), "spec.mtu", "maximum value of 9216"),
        BadTwin.of(
            "UDP port 0",
            set("/spec/overlay", "{udpPort: 0}"),
            "spec.overlay.udpPort",
            "minimum value of 1"),
        BadTwin.of(
            "VNI base past the 24-bit space",
            set("/spec/overlay", "{vniBase: 16777000}"),
            "spec.overlay.vniBase",
            "maximum value of 1.6773121E7"),
        BadTwin.of(
            "unknown overlay",
            set("/spec/overlay", "{type: GENEVE}"),
            "spec.overlay.type",
            "does not have a value in the enumeration"),
        BadTwin.of(
            "aging of 10 seconds",
            set("/spec/macLearning/agingSeconds", "10"),
            "spec.macLearning.agingSeconds",
            "minimum value of 15"),
        BadTwin.of(
            "per-port limit over the table size",
            set("/spec/macLearning/maxPerPort", "100000"),
            "spec.macLearning.maxPerPort",
            "maxPerPort cannot exceed maxEntries"),
        BadTwin.of(
            "uplink without interfaces",
            set("/spec/uplinks/1/interfaces", "[]"),
            "spec.uplinks[1].interfaces",
            "at least 1"),
        BadTwin.of(
            "interface name with a slash",
            set("/spec/uplinks/1/interfaces", "[eth/3]"),
            "spec.uplinks[1].interfaces[0]",
            "pattern"),
        BadTwin.of(
            "interface listed twice",
            set("/spec/uplinks/0/interfaces", "[eth1, eth1]"),
            "spec.uplinks[0].interfaces",
            "an interface may be listed once"),
        BadTwin.of(
            "two uplinks of one name",
            set("/spec/uplinks/1/name", "trunk"),
            "spec.uplinks",
            "uplink names must be unique"),
        BadTwin.of(
            "two interfaces without a bond",
            remove("/spec/uplinks/0/bond"),
            "spec.uplinks[0].bond",
            "an uplink with more than one interface needs bond.mode"),
        BadTwin.of(
            "unknown bond mode",
            set("/spec/uplinks/0/bond/mode", "RoundRobin"),
            "spec.uplinks[0].bond.mode",
            "does not have a value in the enumeration"),
        BadTwin.of(
            "VLAN 0 allowed",
            set("/spec/uplinks/1/allowedVlans", "['0']"),
            "spec.uplinks[1].allowedVlans",
            "allowedVlans entries must lie within 1-4094"),
        BadTwin.of(
            "VLAN 5000 allowed",
            set("/spec/uplinks/1/allowedVlans", "['100-5000']"),
            "spec.uplinks[1].allowedVlans",
            "allowedVlans entries must lie within 1-4094"),
        BadTwin.of(
            "range backwards",
            set("/spec/uplinks/1/allowedVlans", "['300-200']"),
            "spec.uplinks[1].allowedVlans",
            "an allowedVlans range must run from low to high"),
        BadTwin.of(
            "VLAN by name",
            set("/spec/uplinks/1/allowedVlans", "[storage]"),
            "spec.uplinks[1].allowedVlans[0]",
            "pattern"),
        BadTwin.of(
            "native VLAN 4095",
            set("/spec/uplinks/0/nativeVlan", "4095"),
            "spec.uplinks[0].nativeVlan",
            "maximum value of 4094"),
        BadTwin.of(
            "uplink name with capitals",
            set("/spec/uplinks/1/name", "Storage"),
            "spec.uplinks[1].name",
            "pattern"),
        BadTwin.of(
            "broadcast limit 0",
            set("/spec/stormControl", "{broadcastPps: 0}"),
            "spec.stormControl.broadcastPps",
            "minimum value of 1"),
        BadTwin.of(
            "unknown LLDP mode",
            set("/spec/discovery/lldp", "Sometimes"),
            "spec.discovery.lldp",
            "does not have a value in the enumeration"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTwins")
  void refusesBadTwin(BadTwin twin) {
    twin.assertRefused(validator.validateCreate(twin.applyTo(datacenter)));
  }

  @Test
  void emptySpecGetsEveryDefault() {
    ObjectNode empty =
        (ObjectNode)
            Crds.yamlValue(
                "{apiVersion: kvswitch.io/v1alpha1, kind: VirtualSwitch, metadata: {name: s}, spec: {overlay: {}, macLearning: {}}}");

    ObjectNode stored = (ObjectNode) validator.withDefaults(empty);

    assertThat(validator.validateCreate(empty)).isEmpty();
    assertThat(stored.at("/spec/mtu").asInt()).isEqualTo(1500);
    assertThat(stored.at("/spec/overlay/udpPort").asInt()).isEqualTo(4789);
    assertThat(stored.at("/spec/overlay/type").asText()).isEqualTo("VXLAN");
    assertThat(stored.at("/spec/macLearning/agingSeconds").asInt()).isEqualTo(300);
    assertThat(stored.at("/spec/macLearning/maxEntries").asInt()).isEqualTo(8192);
  }
}
