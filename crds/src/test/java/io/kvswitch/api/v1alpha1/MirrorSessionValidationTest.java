package io.kvswitch.api.v1alpha1;

import static io.kvswitch.api.v1alpha1.Edit.remove;
import static io.kvswitch.api.v1alpha1.Edit.set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvswitch.api.validation.CustomResourceValidator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the API server refuses in a MirrorSession, one bad twin of the examples per rule. */
class MirrorSessionValidationTest {

  private final CustomResourceValidator validator = Crds.validator("MirrorSession");

  static Stream<Arguments> badTwinsOfPodTap() {
    return Stream.of(
        BadTwin.of(
            "two destinations",
            set("/spec/destination/erspan", "{remoteIp: 198.51.100.20, sessionId: 1}"),
            "spec.destination",
            "destination must name exactly one of pod or erspan"),
        BadTwin.of(
            "empty destination",
            set("/spec/destination", "{}"),
            "spec.destination",
            "destination must name exactly one of pod or erspan"),
        BadTwin.of(
            "no destination", remove("/spec/destination"), "spec.destination", "required property"),
        BadTwin.of(
            "snap length 32",
            set("/spec/snapLength", "32"),
            "spec.snapLength",
            "snapLength must be 0 (whole frame) or at least 64 bytes"),
        BadTwin.of(
            "snap length 1",
            set("/spec/snapLength", "1"),
            "spec.snapLength",
            "snapLength must be 0 (whole frame) or at least 64 bytes"),
        BadTwin.of(
            "snap length 70000",
            set("/spec/snapLength", "70000"),
            "spec.snapLength",
            "maximum value of 65535"),
        BadTwin.of("no sources", set("/spec/sources", "[]"), "spec.sources", "at least 1"),
        BadTwin.of(
            "source with selector and network",
            set("/spec/sources/0/network", "web"),
            "spec.sources[0]",
            "a source names exactly one of podSelector or network"),
        BadTwin.of(
            "unknown direction",
            set("/spec/sources/0/direction", "Sideways"),
            "spec.sources[0].direction",
            "does not have a value in the enumeration"),
        BadTwin.of(
            "sampling 0",
            set("/spec/samplingRate", "0"),
            "spec.samplingRate",
            "minimum value of 1"),
        BadTwin.of(
            "ports with ICMP",
            set("/spec/filter/protocol", "ICMP"),
            "spec.filter.ports",
            "filter ports need protocol TCP, UDP or SCTP"),
        BadTwin.of(
            "filter port 70000",
            set("/spec/filter/ports", "[70000]"),
            "spec.filter.ports[0]",
            "maximum value of 65535"),
        BadTwin.of(
            "filter CIDR malformed",
            set("/spec/filter/cidr", "10.0.0.0"),
            "spec.filter.cidr",
            "pattern"),
        BadTwin.of(
            "destination pod without network",
            remove("/spec/destination/pod/network"),
            "spec.destination.pod.network",
            "required property"));
  }

  static Stream<Arguments> badTwinsOfErspan() {
    return Stream.of(
        BadTwin.of(
            "session id 1024",
            set("/spec/destination/erspan/sessionId", "1024"),
            "spec.destination.erspan.sessionId",
            "maximum value of 1023"),
        BadTwin.of(
            "ERSPAN version 3",
            set("/spec/destination/erspan/version", "3"),
            "spec.destination.erspan.version",
            "maximum value of 2"),
        BadTwin.of(
            "analyser address malformed",
            set("/spec/destination/erspan/remoteIp", "analyser.lan"),
            "spec.destination.erspan.remoteIp",
            "pattern"),
        BadTwin.of(
            "network source with a selector too",
            set("/spec/sources/0/podSelector", "{matchLabels: {a: b}}"),
            "spec.sources[0]",
            "a source names exactly one of podSelector or network"),
        BadTwin.of(
            "network source with a bad name",
            set("/spec/sources/0/network", "Guests"),
            "spec.sources[0].network",
            "pattern"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTwinsOfPodTap")
  void refusesBadTwinOfPodTap(BadTwin twin) {
    ObjectNode podTap = Crds.example("04-mirrorsession.yaml");

    twin.assertRefused(validator.validateCreate(twin.applyTo(podTap)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTwinsOfErspan")
  void refusesBadTwinOfErspan(BadTwin twin) {
    ObjectNode erspan = Crds.example("advanced/mirrorsession-erspan.yaml");

    twin.assertRefused(validator.validateCreate(twin.applyTo(erspan)));
  }
}
